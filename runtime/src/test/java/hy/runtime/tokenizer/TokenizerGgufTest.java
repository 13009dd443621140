package hy.runtime.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hy.runtime.gguf.GgufFile;
import hy.runtime.gguf.GgufFormatException;
import hy.runtime.gguf.GgufValue;
import hy.runtime.gguf.GgufValueType;
import hy.runtime.gguf.GgufWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tokenizer keys as llama.cpp's converter writes them for Hunyuan, and reading them back. */
class TokenizerGgufTest {
    @TempDir
    Path dir;

    @Test
    void writesTheConvertersKeys() throws IOException {
        Tokenizer t = TokenizerCases.tiktoken();
        GgufWriter w = new GgufWriter();
        TokenizerGguf.write(w, t.vocabulary(), t.specials(), "TEMPLATE");
        Path file = dir.resolve("t.gguf");
        w.write(file);
        try (GgufFile f = GgufFile.open(file)) {
            assertEquals("gpt2", f.getString("tokenizer.ggml.model"));
            assertEquals("hunyuan", f.getString("tokenizer.ggml.pre"));
            String[] tokens = f.getArray("tokenizer.ggml.tokens").strings();
            assertEquals(128167, tokens.length);
            assertEquals("!", tokens[0]);
            assertEquals("Ċ", tokens[198]);
            assertEquals("Ġ", tokens[220]);
            assertEquals("ĠĠ", tokens[256]);
            assertEquals("<|endoftext|>", tokens[127957]);
            assertEquals("<|extra_204|>", tokens[128166]);
            assertEquals(GgufValueType.INT32, f.getArray("tokenizer.ggml.token_type").elementType());
            int[] types = f.getArray("tokenizer.ggml.token_type").ints();
            for (int id = 0; id < types.length; id++) assertEquals(id < 127957 ? 1 : 3, types[id], "type of " + id);
            String[] merges = f.getArray("tokenizer.ggml.merges").strings();
            assertEquals(127698, merges.length, "merge count of the converter (hunyuan-spec-details §2.2)");
            assertEquals("Ġ Ġ", merges[0]);
            assertEquals(GgufValueType.UINT32, f.get("tokenizer.ggml.bos_token_id").type());
            assertEquals(127959, f.getLong("tokenizer.ggml.bos_token_id"));
            assertEquals(127960, f.getLong("tokenizer.ggml.eos_token_id"));
            assertEquals(127962, f.getLong("tokenizer.ggml.seperator_token_id"));
            assertEquals(127961, f.getLong("tokenizer.ggml.padding_token_id"));
            assertFalse(f.has("tokenizer.ggml.add_bos_token"), "the converter leaves add_bos_token out for Hunyuan");
            assertEquals("TEMPLATE", TokenizerGguf.chatTemplate(f));
        }
    }

    @Test
    void readsSpecialRolesBack() {
        SpecialTokens s = TokenizerCases.gguf().specials();
        assertEquals(127959, s.bos());
        assertEquals(127960, s.eos());
        assertEquals(127957, s.eot());
        assertEquals(127961, s.padding());
        assertEquals(127962, s.separator());
        assertFalse(s.addBos());
        assertEquals(Set.of(127960, 127957), s.endOfGeneration());
        assertEquals(Set.of(127960, 127957, 127967), s.stop());
        assertEquals(TokenizerCases.tiktoken().specials(), s);
        assertEquals(TokenType.CONTROL, TokenizerCases.gguf().vocabulary().type(127966));
    }

    @Test
    void everyTokenEncodesAloneToItselfFromTheGguf() {
        // A token's own bytes, encoded as one piece, give that token back (tiktoken looks whole pieces up first);
        // this checks all 127957 byte strings survived GPT-2 mapping and the merge-derived ranks.
        Tokenizer tik = TokenizerCases.tiktoken();
        Tokenizer gguf = TokenizerCases.gguf();
        for (int id = 0; id < 127957; id++) {
            assertArrayEquals(tik.vocabulary().tokenBytes(id), gguf.vocabulary().tokenBytes(id));
            assertEquals(id, gguf.vocabulary().idOf(gguf.vocabulary().tokenBytes(id)));
            assertEquals(tik.vocabulary().mergeRank(id), gguf.vocabulary().mergeRank(id));
        }
    }

    /** Merges out of id order (not from a tiktoken conversion) rank by their position, as llama.cpp does. */
    @Test
    void mergePositionRanksWhenMergesAreNotInIdOrder() throws IOException {
        Path file = dir.resolve("tiny.gguf");
        new GgufWriter()
                .put("tokenizer.ggml.model", GgufValue.string("gpt2"))
                .put("tokenizer.ggml.pre", GgufValue.string("hunyuan"))
                .put("tokenizer.ggml.tokens", GgufValue.strings("a", "b", "c", "bc", "ab", "<|eos|>"))
                .put("tokenizer.ggml.token_type", GgufValue.int32s(1, 1, 1, 1, 1, 3))
                .put("tokenizer.ggml.merges", GgufValue.strings("a b", "b c"))
                .put("tokenizer.ggml.eos_token_id", GgufValue.u32(5))
                .write(file);
        try (GgufFile f = GgufFile.open(file)) {
            Tokenizer t = TokenizerGguf.read(f);
            assertArrayEquals(new int[] {4, 2}, t.encode("abc", false), "'a b' is merged first");
            assertArrayEquals(new int[] {4, 2, 5}, t.encode("abc<|eos|>", true));
            assertEquals(Set.of(5), t.specials().endOfGeneration());
            assertEquals(-1, t.specials().bos());
            assertNull(TokenizerGguf.chatTemplate(f));
        }
        // The same vocabulary with merges in id order ranks by id: "bc" (3) before "ab" (4).
        Vocabulary v = new Vocabulary(new byte[][] {{'a'}, {'b'}, {'c'}, {'b', 'c'}, {'a', 'b'}},
                new TokenType[] {TokenType.NORMAL, TokenType.NORMAL, TokenType.NORMAL, TokenType.NORMAL, TokenType.NORMAL},
                new int[5]);
        int[] ranks = TokenizerGguf.ranksFromMerges(v, new String[] {"b c", "a b"}, "test");
        assertArrayEquals(new int[] {0, 1, 2, 3, 4}, ranks);
    }

    @Test
    void clearErrorsForFilesWithoutAUsableTokenizer() throws IOException {
        assertReadFails(new GgufWriter().put("general.architecture", GgufValue.string("hunyuan-moe")), "no tokenizer");
        assertReadFails(new GgufWriter().put("tokenizer.ggml.model", GgufValue.string("llama")), "'llama' is not supported");
        assertReadFails(new GgufWriter().put("tokenizer.ggml.model", GgufValue.string("gpt2"))
                .put("tokenizer.ggml.pre", GgufValue.string("qwen2")), "pre-tokenizer 'qwen2'");
        assertReadFails(base().put("tokenizer.ggml.tokens", GgufValue.strings("a", "b c")), "not a GPT-2 byte-mapped string");
        assertReadFails(base().put("tokenizer.ggml.merges", GgufValue.strings("a b")), "does not produce a token");
        assertReadFails(base().put("tokenizer.ggml.eos_token_id", GgufValue.u32(99)), "is not a token id");
        assertReadFails(base().remove("tokenizer.ggml.merges"), "missing metadata key 'tokenizer.ggml.merges'");
    }

    private GgufWriter base() {
        return new GgufWriter()
                .put("tokenizer.ggml.model", GgufValue.string("gpt2"))
                .put("tokenizer.ggml.pre", GgufValue.string("hunyuan"))
                .put("tokenizer.ggml.tokens", GgufValue.strings("a", "b"))
                .put("tokenizer.ggml.merges", GgufValue.strings());
    }

    private void assertReadFails(GgufWriter w, String expected) throws IOException {
        Path file = dir.resolve("bad.gguf");
        w.write(file);
        try (GgufFile f = GgufFile.open(file)) {
            GgufFormatException e = assertThrows(GgufFormatException.class, () -> TokenizerGguf.read(f));
            assertTrue(e.getMessage().contains(expected), e.getMessage());
        }
    }

    @Test
    void mergeReconstructionSkipsTheThreeUnreachableTokens() {
        Vocabulary v = TokenizerCases.tiktoken().vocabulary();
        List<MergeTable.Merge> merges = MergeTable.reconstruct(v);
        Set<Integer> merged = new java.util.HashSet<>();
        for (MergeTable.Merge m : merges) merged.add(m.result());
        int missing = 0;
        for (int id = 0; id < 127957; id++) {
            if (v.tokenBytes(id).length > 1 && !merged.contains(id)) missing++;
        }
        assertEquals(3, missing);
        assertFalse(merged.contains(112963), "')|(' ends in three parts");
        // Each merge joins two tokens of lower rank into its result.
        for (MergeTable.Merge m : merges) {
            int left = v.idOf(m.left());
            int right = v.idOf(m.right());
            assertTrue(left >= 0 && left < m.result() && right >= 0 && right < m.result(), m.ggufString());
        }
    }
}
