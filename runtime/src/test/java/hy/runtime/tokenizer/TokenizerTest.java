package hy.runtime.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Special-token handling, BOS, decoding options and input errors. */
class TokenizerTest {
    private final Tokenizer t = TokenizerCases.tiktoken();

    @Test
    void specialTextIsPlainTextWhenNotAllowed() {
        int[] ids = t.encode("<|eos|>", false);
        assertTrue(ids.length > 1);
        for (int id : ids) assertTrue(id < 127957, "no special id when specials are not allowed");
        assertEquals("<|eos|>", t.decode(ids));
        assertArrayEquals(new int[] {127960}, t.encode("<|eos|>", true));
    }

    @Test
    void adjacentSpecialsAndTextBetweenThem() {
        assertArrayEquals(new int[] {127958, 127958, 127962}, t.encode("<|startoftext|><|startoftext|><|extra_0|>", true));
        // Text between specials is split on its own: the trailing spaces before a special stay one piece.
        int[] ids = t.encode("a   <|eos|>", true);
        assertEquals(127960, ids[ids.length - 1]);
        assertArrayEquals(t.encode("a   ", true), java.util.Arrays.copyOf(ids, ids.length - 1));
    }

    @Test
    void bosOnlyWhenAskedAndKnown() {
        assertEquals(127959, t.encode("Hi", true, true)[0]);
        assertEquals(t.encode("Hi", true).length + 1, t.encode("Hi", true, true).length);
        assertEquals(false, t.specials().addBos());
    }

    @Test
    void nfcNormalisesBeforeEncoding() {
        assertArrayEquals(t.encode("café", false), t.encode("cafe\u0301", false));
    }

    @Test
    void decodingDropsSpecialsOnRequest() {
        int[] ids = t.encode("<|startoftext|>Hi<|extra_0|>", true);
        assertEquals("<|startoftext|>Hi<|extra_0|>", t.decode(ids));
        assertEquals("Hi", t.decode(ids, false));
        assertEquals("Hi", new String(t.decodeBytes(ids, false), StandardCharsets.UTF_8));
    }

    @Test
    void outOfRangeIdsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.decode(new int[] {5, 128167}));
        assertEquals("token id 128167 is out of range (vocabulary has ids 0..128166)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> t.decode(new int[] {-1}));
    }

    @Test
    void vocabularyRoles() {
        Vocabulary v = t.vocabulary();
        assertEquals(128167, v.size());
        assertEquals(210, v.specialTokens().size());
        assertEquals(127966, v.specialId("<|extra_4|>"));
        assertEquals(TokenType.NORMAL, v.type(0));
        assertEquals(TokenType.CONTROL, v.type(127957));
        assertEquals("<|endoftext|>", v.tokenText(127957));
        assertEquals(" ", v.tokenText(220));
    }

    @Test
    void badTiktokenFilesAreRejectedWithTheLine(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.tiktoken");
        Files.writeString(f, "IQ== 0\nIg==\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TiktokenFile.read(f, List.of()));
        assertEquals("bad.tiktoken line 2: expected 'BASE64 RANK'", e.getMessage());
        Files.writeString(f, "IQ== 0\nIg== 2\nIw== 3\n");
        e = assertThrows(IllegalArgumentException.class, () -> TiktokenFile.read(f, List.of()));
        assertTrue(e.getMessage().contains("rank 1 is missing"), e.getMessage());
        Files.writeString(f, "I!Q== 0\n");
        e = assertThrows(IllegalArgumentException.class, () -> TiktokenFile.read(f, List.of()));
        assertTrue(e.getMessage().startsWith("bad.tiktoken line 1: invalid base64"), e.getMessage());
    }
}
