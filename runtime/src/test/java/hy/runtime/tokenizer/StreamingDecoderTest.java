package hy.runtime.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StreamingDecoderTest {
    private final Tokenizer t = TokenizerCases.tiktoken();

    @Test
    void multiByteCharactersSplitAcrossTokensComeOutWhole() {
        String text = "emoji 😀🚀👍🏽 and symbols ©®™ ±≠≤≥ 你好，世界！今天天气很好。日本語のテキスト Ελληνικά";
        int[] ids = t.encode(text, false);
        StreamingDecoder d = t.streamingDecoder(true);
        StringBuilder out = new StringBuilder();
        int heldBack = 0;
        for (int id : ids) {
            String piece = d.accept(id);
            assertFalse(piece.contains("\uFFFD"), "replacement character mid-stream after id " + id);
            if (piece.isEmpty()) heldBack++;
            out.append(piece);
        }
        out.append(d.flush());
        assertEquals(text, out.toString());
        assertTrue(heldBack > 0, "the sample must contain a character split across tokens to test anything");
    }

    @Test
    void concatenatedOutputEqualsWholeDecodeForRandomIds() {
        // Random ids produce arbitrary byte soup, including invalid UTF-8: streaming must agree with decoding it all.
        Random random = new Random(5);
        for (int round = 0; round < 2_000; round++) {
            int[] ids = new int[1 + random.nextInt(12)];
            for (int i = 0; i < ids.length; i++) {
                // Favour single-byte tokens and short multi-byte ones, where the split characters are.
                ids[i] = random.nextInt(3) == 0 ? t.vocabulary().byteToken(0x80 + random.nextInt(128)) : random.nextInt(127957);
            }
            StreamingDecoder d = t.streamingDecoder(true);
            StringBuilder out = new StringBuilder();
            for (int id : ids) out.append(d.accept(id));
            out.append(d.flush());
            assertEquals(new String(t.decodeBytes(ids), StandardCharsets.UTF_8), out.toString());
        }
    }

    @Test
    void invalidBytesAreNotHeldBack() {
        StreamingDecoder d = t.streamingDecoder(true);
        assertEquals("\uFFFD", d.accept(t.vocabulary().byteToken(0x80)), "a stray continuation byte can never complete");
        assertEquals("", d.accept(t.vocabulary().byteToken(0xE4)), "a lead byte waits for its continuation");
        assertTrue(d.hasPending());
        assertEquals("\uFFFDA", d.accept(t.vocabulary().byteToken('A')));
        assertEquals("", d.accept(t.vocabulary().byteToken(0xF0)));
        assertEquals("\uFFFD", d.flush(), "an unfinished character at the end is flushed as U+FFFD");
        assertFalse(d.hasPending());
    }

    @Test
    void specialTokensAreDroppedUnlessRendered() {
        int[] ids = t.encode("Hi<|eos|>", true);
        StreamingDecoder plain = t.streamingDecoder(false);
        StreamingDecoder rendered = t.streamingDecoder(true);
        StringBuilder a = new StringBuilder();
        StringBuilder b = new StringBuilder();
        for (int id : ids) {
            a.append(plain.accept(id));
            b.append(rendered.accept(id));
        }
        assertEquals("Hi", a.toString());
        assertEquals("Hi<|eos|>", b.toString());
    }
}
