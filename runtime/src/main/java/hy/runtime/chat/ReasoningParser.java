package hy.runtime.chat;

/**
 * Splits Hunyuan's output {@code <think>\n…reasoning…\n</think>\n<answer>\n…answer…\n</answer>} into reasoning and
 * answer text while it streams in fragments of any size (tags may be split across tokens).
 *
 * <p>Text is passed on as soon as it cannot be part of a tag: only a possible partial tag at the end of what has
 * arrived (at most 8 characters), plus trailing whitespace, is held back. Each section is trimmed: whitespace after an
 * opening tag and before a closing tag (the newlines the model puts on the tag lines) is dropped, whitespace inside a
 * section is kept, so {@code <answer>\nfoo\n</answer>} gives the answer "foo".
 *
 * <p>The model sometimes breaks its format (the tags are several tokens each), so the parser is lenient:
 * <ul>
 *   <li>no {@code <think>} at the start: everything is answer ({@code <answer>}/{@code </answer>} tags are dropped);
 *   <li>{@code <answer>} while still reasoning (no {@code </think>}): the answer starts there;
 *   <li>text after {@code </think>} without {@code <answer>}: it is answer;
 *   <li>no {@code </answer>} or no {@code </think>} before the end: the section simply ends;
 *   <li>text after {@code </answer>}: passed on as answer, so no output is lost;
 *   <li>a {@code </think>} without an opening {@code <think>}: the tag is dropped, but the text before it has already
 *       gone out as answer (a stream cannot take it back).
 * </ul>
 * Not thread-safe; one parser per generation.
 */
public final class ReasoningParser {

    /** Receives the parsed text as it becomes available; pieces are never empty. */
    public interface Listener {
        void onReasoning(String text);

        void onAnswer(String text);
    }

    /** The whole output parsed at once. */
    public record Result(String reasoning, String answer) {}

    static final String THINK = "<think>";
    static final String THINK_END = "</think>";
    static final String ANSWER = "<answer>";
    static final String ANSWER_END = "</answer>";

    private enum State {
        /** Nothing but whitespace yet: waiting to see whether a tag opens the output. */
        START,
        REASONING,
        /** After </think>: waiting for <answer>. */
        BETWEEN,
        ANSWER,
        /** Answer text without an opening tag. */
        UNTAGGED_ANSWER,
        AFTER_ANSWER
    }

    private final Listener listener;
    private final StringBuilder pending = new StringBuilder();
    private State state = State.START;
    /** Whether the current section has begun (its leading whitespace is gone). */
    private boolean sectionStarted;

    public ReasoningParser(Listener listener) {
        this.listener = listener;
    }

    /** Parses a complete output. */
    public static Result parse(String output) {
        StringBuilder reasoning = new StringBuilder();
        StringBuilder answer = new StringBuilder();
        ReasoningParser p = new ReasoningParser(new Listener() {
            @Override
            public void onReasoning(String text) {
                reasoning.append(text);
            }

            @Override
            public void onAnswer(String text) {
                answer.append(text);
            }
        });
        p.accept(output);
        p.finish();
        return new Result(reasoning.toString(), answer.toString());
    }

    /** Adds the next fragment of output. */
    public void accept(String fragment) {
        pending.append(fragment);
        run(false);
    }

    /** Ends the output: whatever is held back is passed on (a partial tag at the very end is just text). */
    public void finish() {
        run(true);
        pending.setLength(0);
    }

    /** True while the output is in its reasoning section. */
    public boolean inReasoning() {
        return state == State.REASONING;
    }

    /** Text received but not yet passed on (tests check that it is whitespace and at most a partial tag). */
    String heldBack() {
        return pending.toString();
    }

    private void run(boolean atEnd) {
        boolean progress = true;
        while (progress) {
            progress = switch (state) {
                case START -> opening(atEnd, true);
                case BETWEEN -> opening(atEnd, false);
                case REASONING -> content(atEnd, true, THINK_END, State.BETWEEN, ANSWER, State.ANSWER, null, null);
                case ANSWER -> content(atEnd, false, ANSWER_END, State.AFTER_ANSWER, null, null, null, null);
                case UNTAGGED_ANSWER -> content(atEnd, false, ANSWER, State.ANSWER, ANSWER_END, State.AFTER_ANSWER, THINK_END, State.BETWEEN);
                case AFTER_ANSWER -> content(atEnd, false, null, null, null, null, null, null);
            };
        }
    }

    /** START and BETWEEN: skip whitespace, then expect an opening tag; anything else starts an untagged answer. */
    private boolean opening(boolean atEnd, boolean thinkAllowed) {
        dropLeadingWhitespace();
        if (pending.isEmpty()) return false;
        if (thinkAllowed && startsWith(THINK)) return enter(THINK, State.REASONING);
        if (startsWith(ANSWER)) return enter(ANSWER, State.ANSWER);
        if (!atEnd && ((thinkAllowed && isPrefixOf(THINK)) || isPrefixOf(ANSWER))) return false;
        state = State.UNTAGGED_ANSWER;
        sectionStarted = false;
        return true;
    }

    private boolean enter(String tag, State next) {
        pending.delete(0, tag.length());
        state = next;
        sectionStarted = false;
        return true;
    }

    /**
     * A section's text up to the first of up to three tags (null = unused), each leading to its state. Returns true
     * when a tag switched the state (so the caller continues with the rest).
     */
    private boolean content(boolean atEnd, boolean reasoning, String tag1, State next1, String tag2, State next2,
                            String tag3, State next3) {
        if (!sectionStarted) {
            dropLeadingWhitespace();
            if (pending.isEmpty()) return false;
            sectionStarted = true;
        }
        int at = -1;
        String tag = null;
        State next = null;
        String[] tags = {tag1, tag2, tag3};
        State[] states = {next1, next2, next3};
        for (int i = 0; i < tags.length; i++) {
            if (tags[i] == null) continue;
            int found = pending.indexOf(tags[i]);
            if (found >= 0 && (at < 0 || found < at)) {
                at = found;
                tag = tags[i];
                next = states[i];
            }
        }
        if (tag != null) {
            emit(reasoning, pending.substring(0, trimEnd(at)));
            pending.delete(0, at + tag.length());
            state = next;
            sectionStarted = false;
            return true;
        }
        int safe = atEnd ? pending.length() : pending.length() - partialTagAtEnd(tags);
        int end = trimEnd(safe);
        emit(reasoning, pending.substring(0, end));
        pending.delete(0, atEnd ? pending.length() : end);
        return false;
    }

    private void emit(boolean reasoning, String text) {
        if (text.isEmpty()) return;
        if (reasoning) listener.onReasoning(text);
        else listener.onAnswer(text);
    }

    /** Length of the longest end of {@code pending} that could be the start of one of the tags. */
    private int partialTagAtEnd(String[] tags) {
        int longest = 0;
        for (String tag : tags) {
            if (tag == null) continue;
            for (int k = Math.min(tag.length() - 1, pending.length()); k > longest; k--) {
                if (endsWithPrefix(tag, k)) {
                    longest = k;
                    break;
                }
            }
        }
        return longest;
    }

    /** Whether pending ends with the first k characters of tag. */
    private boolean endsWithPrefix(String tag, int k) {
        int start = pending.length() - k;
        for (int i = 0; i < k; i++) {
            if (pending.charAt(start + i) != tag.charAt(i)) return false;
        }
        return true;
    }

    private int trimEnd(int end) {
        while (end > 0 && Character.isWhitespace(pending.charAt(end - 1))) end--;
        return end;
    }

    private void dropLeadingWhitespace() {
        int i = 0;
        while (i < pending.length() && Character.isWhitespace(pending.charAt(i))) i++;
        pending.delete(0, i);
    }

    private boolean startsWith(String tag) {
        return pending.length() >= tag.length() && pending.substring(0, tag.length()).equals(tag);
    }

    private boolean isPrefixOf(String tag) {
        return pending.length() < tag.length() && tag.startsWith(pending.toString());
    }
}
