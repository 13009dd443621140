package hy.runtime.model;

import static org.junit.jupiter.api.Assertions.*;

import hy.runtime.engine.Session;
import hy.runtime.gguf.GgufFile;
import hy.runtime.testing.HfTiny;
import hy.runtime.tensor.GgmlType;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The forward pass against transformers' HunYuanMoEV1ForCausalLM on ../shared/testdata/hf_tiny, converted to an
 * F32 GGUF: logits at every position, top-1, the greedy continuation through the KV cache, and the mean NLL.
 */
class HfTinyForwardTest {
    @TempDir
    static Path tmp;
    static HfTiny ref;
    static Path f32;

    @BeforeAll
    static void convert() throws Exception {
        ref = HfTiny.reference();
        f32 = HfTiny.convert(tmp, GgmlType.F32);
    }

    static float[] allLogits(Path gguf, int maxBatch, GgmlType kv) throws Exception {
        try (GgufFile f = GgufFile.open(gguf)) {
            HunyuanModel m = HfTiny.cpuModel(f, maxBatch);
            try (Session s = new Session(m, 256, kv, kv)) {
                int n = ref.tokenIds.length, vocab = m.config().vocabSize();
                float[] out = new float[n * vocab];
                int pos = 0;
                while (pos < n) {
                    int b = Math.min(maxBatch, n - pos);
                    float[] l = s.evaluate(java.util.Arrays.copyOfRange(ref.tokenIds, pos, pos + b), LogitsMode.ALL);
                    System.arraycopy(l, 0, out, pos * vocab, l.length);
                    pos += b;
                }
                return out;
            }
        }
    }

    static int argmax(float[] v, int at, int n) {
        int b = 0;
        for (int i = 1; i < n; i++) if (v[at + i] > v[at + b]) b = i;
        return b;
    }

    @Test
    void logitsMatchTransformersAtEveryPosition() throws Exception {
        float[] got = allLogits(f32, 64, GgmlType.F32);
        int vocab = ref.logits[0].length;
        double maxAbs = 0, maxDiff = 0;
        for (int p = 0; p < ref.logits.length; p++) {
            for (int i = 0; i < vocab; i++) {
                maxAbs = Math.max(maxAbs, Math.abs(ref.logits[p][i]));
                maxDiff = Math.max(maxDiff, Math.abs(ref.logits[p][i] - got[p * vocab + i]));
            }
            assertEquals(ref.top5[p][0], argmax(got, p * vocab, vocab), "top-1 at position " + p);
        }
        System.out.printf("hf_tiny F32: max |logit diff| = %.3g, max |logit| = %.3g%n", maxDiff, maxAbs);
        assertTrue(maxDiff <= 1e-4 * maxAbs, "max |logit difference| " + maxDiff + " > 1e-4 × " + maxAbs);
    }

    @Test
    void smallBatchesThroughTheCacheGiveTheSameLogits() throws Exception {
        float[] whole = allLogits(f32, 64, GgmlType.F32);
        float[] pieces = allLogits(f32, 5, GgmlType.F32);
        for (int i = 0; i < whole.length; i++) assertEquals(whole[i], pieces[i], 1e-4f * Math.max(1, Math.abs(whole[i])));
    }

    @Test
    void meanNllMatches() throws Exception {
        float[] got = allLogits(f32, 64, GgmlType.F32);
        assertEquals(ref.meanNll, meanNll(got, ref.logits[0].length), 1e-3 * ref.meanNll, "mean NLL of positions 1..63");
    }

    @Test
    void greedyContinuationTokenByToken() throws Exception {
        try (GgufFile f = GgufFile.open(f32)) {
            HunyuanModel m = HfTiny.cpuModel(f, 16);
            try (Session s = new Session(m, 256, GgmlType.F32, GgmlType.F32)) {
                s.prefill(java.util.Arrays.copyOf(ref.tokenIds, ref.greedyPromptLength));
                int vocab = m.config().vocabSize();
                int[] got = new int[ref.greedyContinuation.length];
                float[] logits = s.logits();
                for (int i = 0; i < got.length; i++) {
                    got[i] = argmax(logits, 0, vocab);
                    logits = s.append(got[i]);
                }
                assertArrayEquals(ref.greedyContinuation, got);
            }
        }
    }

    static double meanNll(float[] logits, int vocab) {
        int n = ref.tokenIds.length;
        double sum = 0;
        for (int p = 0; p < n - 1; p++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < vocab; i++) max = Math.max(max, logits[p * vocab + i]);
            double z = 0;
            for (int i = 0; i < vocab; i++) z += Math.exp(logits[p * vocab + i] - max);
            sum += Math.log(z) + max - logits[p * vocab + ref.tokenIds[p + 1]];
        }
        return sum / (n - 1);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = GgmlType.class, names = {"F16", "BF16"})
    void halfPrecisionConversionsKeepTopOne(GgmlType type) throws Exception {
        float[] got = allLogits(HfTiny.convert(tmp, type), 64, GgmlType.F16);
        int vocab = ref.logits[0].length, same = 0;
        for (int p = 0; p < ref.logits.length; p++) if (argmax(got, p * vocab, vocab) == ref.top5[p][0]) same++;
        assertTrue(same >= 0.95 * ref.logits.length, type + ": top-1 identical at " + same + " of " + ref.logits.length);
        assertEquals(ref.meanNll, meanNll(got, vocab), 0.01 * ref.meanNll, type + " mean NLL");
    }

    @Test
    void q8ConversionMeanNllWithinOnePercent() throws Exception {
        float[] f = allLogits(f32, 64, GgmlType.F32);
        float[] q = allLogits(HfTiny.convert(tmp, GgmlType.Q8_0), 64, GgmlType.Q8_0);
        int vocab = ref.logits[0].length;
        double nf = meanNll(f, vocab), nq = meanNll(q, vocab);
        System.out.printf("hf_tiny mean NLL: F32 %.6f, Q8_0 (Q8_0 KV) %.6f, reference %.6f%n", nf, nq, ref.meanNll);
        assertEquals(nf, nq, 0.01 * nf);
    }
}
