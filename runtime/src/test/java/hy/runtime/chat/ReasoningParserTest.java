package hy.runtime.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReasoningParserTest {
    static final String SAMPLE = "<think>\nThe user asks 2+2.\nIt is <b>4</b>, not </thin.\n</think>\n<answer>\nThe answer is 4.\n\nDone.\n</answer>";
    static final String REASONING = "The user asks 2+2.\nIt is <b>4</b>, not </thin.";
    static final String ANSWER = "The answer is 4.\n\nDone.";

    /** Collects events and checks that nothing visible is held back longer than a possible partial tag. */
    static final class Collector implements ReasoningParser.Listener {
        final StringBuilder reasoning = new StringBuilder();
        final StringBuilder answer = new StringBuilder();

        @Override
        public void onReasoning(String text) {
            assertTrue(!text.isEmpty());
            assertEquals(0, answer.length(), "reasoning after answer text");
            reasoning.append(text);
        }

        @Override
        public void onAnswer(String text) {
            assertTrue(!text.isEmpty());
            answer.append(text);
        }
    }

    static Collector feed(String... fragments) {
        Collector c = new Collector();
        ReasoningParser p = new ReasoningParser(c);
        for (String f : fragments) {
            p.accept(f);
            assertHoldsBackAtMostAPartialTag(p, c);
        }
        p.finish();
        return c;
    }

    private static void assertHoldsBackAtMostAPartialTag(ReasoningParser p, Collector c) {
        // Held back: whitespace (invisible until more text follows) and then at most the first 8 characters of a tag.
        String visible = p.heldBack().strip();
        assertTrue(visible.length() <= 8 && visible.indexOf('<') <= 0, "held back '" + p.heldBack() + "'");
    }

    @Test
    void everySplitPointGivesTheSameResult() {
        for (int i = 0; i <= SAMPLE.length(); i++) {
            Collector c = feed(SAMPLE.substring(0, i), SAMPLE.substring(i));
            assertEquals(REASONING, c.reasoning.toString(), "split at " + i);
            assertEquals(ANSWER, c.answer.toString(), "split at " + i);
        }
    }

    @Test
    void everyPairOfSplitPointsGivesTheSameResult() {
        for (int i = 0; i <= SAMPLE.length(); i++) {
            for (int j = i; j <= SAMPLE.length(); j++) {
                Collector c = feed(SAMPLE.substring(0, i), SAMPLE.substring(i, j), SAMPLE.substring(j));
                assertEquals(REASONING, c.reasoning.toString(), "split at " + i + ", " + j);
                assertEquals(ANSWER, c.answer.toString(), "split at " + i + ", " + j);
            }
        }
    }

    @Test
    void characterByCharacterStreamsEagerly() {
        Collector c = new Collector();
        ReasoningParser p = new ReasoningParser(c);
        int end = SAMPLE.indexOf("2+2") + 3;
        for (int i = 0; i < end; i++) p.accept(SAMPLE.substring(i, i + 1));
        assertEquals("The user asks 2+2", c.reasoning.toString(), "text is passed on as soon as it arrives");
        p.accept(SAMPLE.substring(end));
        p.finish();
        assertEquals(REASONING, c.reasoning.toString());
        assertEquals(ANSWER, c.answer.toString());
    }

    @Test
    void lenientWithBrokenFormats() {
        assertResult("", "The answer.", "The answer.");
        assertResult("", "foo", "<answer>\nfoo\n</answer>");
        assertResult("", "4", "\n<answer>\n4\n</answer>\n");
        assertResult("hmm", "foo", "<think>\nhmm\n<answer>\nfoo\n</answer>");
        assertResult("r", "foo", "<think>\nr\n</think>\n<answer>\nfoo\n");
        assertResult("r", "foo", "<think>\nr\n</think>\nfoo");
        assertResult("", "x", "<think>\n\n</think>\n<answer>\nx\n</answer>");
        assertResult("only thinking", "", "<think>\nonly thinking");
        assertResult("abc</thi", "", "<think>\nabc</thi");
        assertResult("", "a\n\nb", "<answer>\na\n\nb\n</answer>");
        assertResult("", "1 < 2 and <b>bold</b>", "<answer>\n1 < 2 and <b>bold</b>\n</answer>");
        assertResult("", "<thi", "<thi");
        assertResult("r", "ab", "<think>r</think><answer>a</answer>\n\nb");
        assertResult("", "rx", "r</think>\n<answer>\nx\n</answer>");
        assertResult("", "", "");
        assertResult("", "", "  \n ");
    }

    private static void assertResult(String reasoning, String answer, String output) {
        ReasoningParser.Result r = ReasoningParser.parse(output);
        assertEquals(reasoning, r.reasoning(), "reasoning of " + output);
        assertEquals(answer, r.answer(), "answer of " + output);
        // Streaming character by character must agree with parsing at once.
        String[] chars = output.chars().mapToObj(ch -> String.valueOf((char) ch)).toArray(String[]::new);
        Collector c = feed(chars);
        assertEquals(reasoning, c.reasoning.toString(), "streamed reasoning of " + output);
        assertEquals(answer, c.answer.toString(), "streamed answer of " + output);
    }

    @Test
    void reportsWhetherItIsReasoning() {
        ReasoningParser p = new ReasoningParser(new Collector());
        p.accept("<think>\nx");
        assertTrue(p.inReasoning());
        p.accept("</think><answer>");
        assertTrue(!p.inReasoning());
    }
}
