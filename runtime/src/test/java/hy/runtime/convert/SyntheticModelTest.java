package hy.runtime.convert;

import static org.junit.jupiter.api.Assertions.*;

import hy.runtime.gguf.GgufFile;
import hy.runtime.gguf.GgufTensorInfo;
import hy.runtime.model.HunyuanConfig;
import hy.runtime.quant.QuantCodecs;
import hy.runtime.tensor.GgmlType;
import hy.runtime.testing.SharedData;
import hy.runtime.tokenizer.Tokenizer;
import hy.runtime.tokenizer.TokenizerGguf;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticModelTest {
    @TempDir
    Path dir;

    private static final TypePlan MIX = TypePlan.of(GgmlType.Q8_0).withRule("_exps\\.", GgmlType.Q4_0);

    private Path write(String name, long seed, int threads) throws IOException {
        Path out = dir.resolve(name);
        SyntheticModel.write(out, ModelShapes.TINY, MIX, seed, SyntheticModel.Options.defaults(ModelShapes.TINY).withThreads(threads));
        return out;
    }

    @Test
    void sameSeedGivesTheSameBytesWhateverTheThreads() throws IOException {
        byte[] a = Files.readAllBytes(write("a.gguf", 42, 1));
        byte[] b = Files.readAllBytes(write("b.gguf", 42, 3));
        byte[] c = Files.readAllBytes(write("c.gguf", 43, 3));
        assertArrayEquals(a, b);
        assertEquals(a.length, c.length);
        assertFalse(java.util.Arrays.equals(a, c), "another seed gives other weights");
    }

    @Test
    void tinyModelHasTheShapeTypesAndAByteTokenizer() throws IOException {
        try (GgufFile g = GgufFile.open(write("tiny.gguf", 7, 2))) {
            assertEquals(HfToGgufTest.withF32Rope(ModelShapes.TINY), HunyuanConfig.fromGguf(g));
            assertEquals(32, g.tensorInfos().size());
            assertEquals(GgmlType.Q4_0, g.tensorInfo("blk.1.ffn_down_exps.weight").type());
            assertEquals(GgmlType.Q8_0, g.tensorInfo("blk.0.attn_q.weight").type());
            assertEquals(GgmlType.Q8_0, g.tensorInfo("token_embd.weight").type(), "Q6_K wanted for the tied output; rows of 64 fall back to Q8_0");
            assertEquals(GgmlType.F32, g.tensorInfo("blk.0.ffn_gate_inp.weight").type());
            // In this tiny shape attention, shared expert and embedding (Q8_0) outweigh the experts (Q4_0).
            assertEquals(7, g.getInt("general.file_type"));
            Tokenizer tok = TokenizerGguf.read(g);
            // Byte tokens in hy.tiktoken's order: 'H' is rank 39, 'i' rank 72; specials sit at the top ids.
            assertArrayEquals(new int[] {39, 72}, tok.encode("Hi", false));
            assertArrayEquals(new int[] {512 - 210 + 3}, tok.encode("<|eos|>", true));
            assertEquals(512 - 210 + 3, tok.specials().eos());
            assertEquals("Hi ünï", tok.decode(tok.encode("Hi ünï", false)));
        }
    }

    @Test
    void weightsHaveUnitRowNormsAndNormsNearOne() throws IOException {
        try (GgufFile g = GgufFile.open(write("w.gguf", 1, 2))) {
            for (GgufTensorInfo info : g.tensorInfos()) {
                float[] v = QuantCodecs.dequantizeAll(g.view(info));
                double sum = 0, sq = 0;
                for (float x : v) {
                    sum += x;
                    sq += x * x;
                }
                double mean = sum / v.length;
                if (info.ne().length == 1) {
                    // Uniform with std 0.05: the mean of n values is within 4 standard errors.
                    assertEquals(1.0, mean, 4 * 0.05 / Math.sqrt(v.length), info.name());
                } else {
                    double rowNormSq = sq / v.length * info.ne()[0];
                    assertEquals(1.0, rowNormSq, 0.15, info.name());
                    assertEquals(0.0, mean, 0.02, info.name());
                }
            }
        }
    }

    @Test
    void a13bPlanIsSizedWithoutWriting() {
        TensorPlan q4 = SyntheticModel.plan(HunyuanConfig.A13B, TypePlan.of(GgmlType.Q4_0));
        assertEquals(482, q4.entries().size());
        long h = 4096, ff = 3072, e = 64, v = 128167;
        long perLayer = 2 * h * h + 2 * h * 1024 + 3 * e * h * ff + 3 * h * ff;
        long q40 = perLayer * 32 / 32 * 18;
        long f32 = (32 * (2 * h + 2 * 128 + h * e) + h) * 4;
        long q6kEmbd = v * h / 256 * 210;
        assertEquals(q40 + f32 + q6kEmbd, q4.totalBytes());
        assertEquals(2, q4.fileType());
        Map<GgmlType, Long> byType = q4.bytesByType();
        assertEquals(GgmlType.Q4_0, byType.keySet().iterator().next());
        // ubergarm's BF16 file: 161 F32 tensors and 321 BF16 (hunyuan-spec-details §2.3).
        TensorPlan bf16 = SyntheticModel.plan(HunyuanConfig.A13B, TypePlan.of(GgmlType.BF16));
        assertEquals(161, bf16.entries().stream().filter(x -> x.type() == GgmlType.F32).count());
        assertEquals(321, bf16.entries().stream().filter(x -> x.type() == GgmlType.BF16).count());
    }

    @Test
    void realVocabularyFromHyTiktokenTokenizesLikeTheReference() throws IOException {
        Path tiktoken = SharedData.path("hunyuan/hy.tiktoken");
        HunyuanConfig c = ModelShapes.TINY.withLayers(1);
        c = new HunyuanConfig(128167, c.hiddenSize(), 1, c.heads(), c.kvHeads(), c.headDim(), c.experts(), c.expertsUsed(),
                c.expertFf(), c.sharedFf(), c.rmsEps(), c.ropeBase(), c.contextLength());
        Path out = dir.resolve("real-vocab.gguf");
        SyntheticModel.write(out, c, TypePlan.of(GgmlType.Q8_0), 3,
                SyntheticModel.Options.defaults(c).withVocabulary(SyntheticVocabulary.fromTiktoken(tiktoken, c.vocabSize())));
        try (GgufFile g = GgufFile.open(out)) {
            Tokenizer tok = TokenizerGguf.read(g);
            assertArrayEquals(new int[] {9906, 1917, 0, 220, 16, 17, 18, 19, 20}, tok.encode("Hello world! 12345", false));
            assertEquals(127959, g.getInt("tokenizer.ggml.bos_token_id"));
            assertEquals(127960, g.getInt("tokenizer.ggml.eos_token_id"));
            assertEquals(127961, g.getInt("tokenizer.ggml.padding_token_id"));
            assertEquals(127962, g.getInt("tokenizer.ggml.seperator_token_id"));
        }
    }

    @Test
    void vocabularyTooSmallForTheSpecialsIsExplained() {
        var e = assertThrows(IllegalArgumentException.class, () -> SyntheticVocabulary.bytes(300));
        assertTrue(e.getMessage().contains("needs at least 466"), e.getMessage());
        HunyuanConfig small = new HunyuanConfig(300, 64, 1, 4, 2, 16, 8, 2, 32, 32, 1e-5f, 1e4, 512);
        assertNull(SyntheticModel.Options.defaults(small).vocabulary(), "too small for a tokenizer: ids only");
    }
}
