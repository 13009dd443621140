package hy.cli.server;

import hy.cli.server.engine.TextTails;
import hy.runtime.chat.ToolCallParser;
import java.util.List;

/**
 * Maps the answer of a chat run with tools to OpenAI's shape while it streams: text before a {@code <tool_calls>}
 * block is content and passes at once; from the block on everything is held back and parsed at the end into tool
 * calls ({@link ToolCallParser}: a block whose JSON does not parse stays in the content, so nothing is lost). The
 * tools template asks the model to begin natural-language replies with "助手：" (its marker for assistant text); that
 * marker is removed. Not thread-safe; one per reply.
 */
final class ToolReplyFilter {
    static final String ASSISTANT_MARKER = "助手：";

    private final StringBuilder pending = new StringBuilder();
    private boolean markerDecided;
    private boolean capturing;

    /** The whole answer mapped at once. */
    static ToolCallParser.Parsed map(String answer) {
        ToolReplyFilter f = new ToolReplyFilter();
        String head = f.accept(answer);
        ToolCallParser.Parsed rest = f.finish();
        return new ToolCallParser.Parsed((head + rest.content()).strip(), rest.calls());
    }

    /** Adds answer text; returns the content that can go out now. */
    String accept(String text) {
        pending.append(text);
        if (!markerDecided && !decideMarker(false)) return "";
        if (capturing) return "";
        int at = pending.indexOf(ToolCallParser.OPEN);
        if (at >= 0) {
            capturing = true;
            return take(at);
        }
        return take(pending.length() - possibleOpenAtEnd());
    }

    /** Ends the answer: the remaining content and the parsed calls. */
    ToolCallParser.Parsed finish() {
        if (!markerDecided) decideMarker(true);
        String rest = pending.toString();
        pending.setLength(0);
        return capturing ? ToolCallParser.parse(rest) : new ToolCallParser.Parsed(rest, List.of());
    }

    /** Drops a leading marker; false while the text so far could still become one. */
    private boolean decideMarker(boolean atEnd) {
        int start = 0;
        while (start < pending.length() && Character.isWhitespace(pending.charAt(start))) start++;
        String head = pending.substring(start);
        if (head.startsWith(ASSISTANT_MARKER)) {
            pending.delete(0, start + ASSISTANT_MARKER.length());
        } else if (!atEnd && ASSISTANT_MARKER.startsWith(head)) {
            return false;
        }
        markerDecided = true;
        return true;
    }

    private String take(int n) {
        String out = pending.substring(0, n);
        pending.delete(0, n);
        return out;
    }

    private int possibleOpenAtEnd() {
        return TextTails.partialAtEnd(pending, ToolCallParser.OPEN);
    }
}
