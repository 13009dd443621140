package hy.runtime.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.text.Normalizer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every reference case (checked against the tiktoken library) from both sources: hy.tiktoken and a GGUF round trip. */
class TokenizerReferenceTest {

    static List<TokenizerCases.Case> cases() {
        return TokenizerCases.cases();
    }

    @ParameterizedTest(name = "tiktoken: {0}")
    @MethodSource("cases")
    void tiktokenFileEncodesReferenceIds(TokenizerCases.Case c) {
        assertArrayEquals(c.ids(), TokenizerCases.tiktoken().encode(c.text(), true));
    }

    @ParameterizedTest(name = "gguf: {0}")
    @MethodSource("cases")
    void ggufRoundTripEncodesReferenceIds(TokenizerCases.Case c) {
        assertArrayEquals(c.ids(), TokenizerCases.gguf().encode(c.text(), true));
    }

    @ParameterizedTest(name = "decode: {0}")
    @MethodSource("cases")
    void decodesToNfcText(TokenizerCases.Case c) {
        String nfc = Normalizer.normalize(c.text(), Normalizer.Form.NFC);
        assertEquals(nfc, TokenizerCases.tiktoken().decode(c.ids()));
        assertEquals(nfc, TokenizerCases.gguf().decode(c.ids()));
    }

    /** The worked examples of hunyuan-spec-details.md §4.3. */
    @Test
    void specWorkedExamples() {
        Tokenizer t = TokenizerCases.tiktoken();
        assertArrayEquals(new int[] {14023, 771, 397}, t.encode("<think>\n", true));
        assertArrayEquals(new int[] {524, 27963, 397, 27, 9399, 397}, t.encode("</think>\n<answer>\n", true));
        assertArrayEquals(new int[] {524, 9399, 29}, t.encode("</answer>", true));
        assertArrayEquals(new int[] {34200, 5978, 771}, t.encode("/no_think", true));
        assertArrayEquals(new int[] {21071, 771}, t.encode("/think", true));
        assertArrayEquals(new int[] {9906, 1917, 0, 220, 16, 17, 18, 19, 20}, t.encode("Hello world! 12345", true));
        assertArrayEquals(new int[] {127958, 2675, 527, 264, 11190, 18328, 13, 127966, 34200, 5978, 771, 8595, 374, 279,
                        13180, 6437, 30, 127962},
                t.encode("<|startoftext|>You are a helpful assistant.<|extra_4|>/no_think Why is the sky blue?<|extra_0|>", true));
    }
}
