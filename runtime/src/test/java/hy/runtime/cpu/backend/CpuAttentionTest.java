package hy.runtime.cpu.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import hy.runtime.cpu.CpuPool;
import hy.runtime.tensor.GgmlType;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Attention in blocks of query tokens against a token-by-token reference in double precision. */
class CpuAttentionTest {
    private static final int HEAD_DIM = 32;
    private static final int HEADS = 4;
    private static final int KV_HEADS = 2;

    /** A prompt spanning several blocks (the last one partial), then a chunk and a single token after it. */
    @Test
    void blockedAttentionMatchesTheReferenceAcrossChunks() {
        int[] chunks = {2 * CpuAttention.BLOCK + 5, 3, 1};
        int total = 0;
        for (int c : chunks) total += c;
        SplittableRandom random = new SplittableRandom(7);
        float[] q = gaussian(random, total * HEADS * HEAD_DIM);
        float[] k = gaussian(random, total * KV_HEADS * HEAD_DIM);
        float[] v = gaussian(random, total * KV_HEADS * HEAD_DIM);
        CpuKvCache cache = new CpuKvCache(2, 64, KV_HEADS * HEAD_DIM, GgmlType.F32, GgmlType.F32);
        try (CpuPool pool = new CpuPool(3)) {
            int start = 0;
            for (int n : chunks) {
                float[] out = new float[n * HEADS * HEAD_DIM];
                CpuAttention.run(pool, rows(q, start, n, HEADS), rows(k, start, n, KV_HEADS), rows(v, start, n, KV_HEADS),
                        cache, 1, start, HEAD_DIM, new CpuActivations(out, 0, n, HEADS * HEAD_DIM));
                for (int t = 0; t < n; t++) {
                    for (int h = 0; h < HEADS; h++) {
                        double[] expected = reference(q, k, v, start + t, h);
                        for (int i = 0; i < HEAD_DIM; i++) {
                            assertEquals(expected[i], out[(t * HEADS + h) * HEAD_DIM + i], 1e-5,
                                    "token " + (start + t) + " head " + h + " dim " + i);
                        }
                    }
                }
                start += n;
            }
        }
    }

    /** Causal softmax(q·k/√d)·v for query position {@code pos}, head {@code h} (KV head h / group). */
    private static double[] reference(float[] q, float[] k, float[] v, int pos, int h) {
        int kvh = h / (HEADS / KV_HEADS);
        double[] scores = new double[pos + 1];
        double max = Double.NEGATIVE_INFINITY;
        for (int p = 0; p <= pos; p++) {
            double s = 0;
            for (int i = 0; i < HEAD_DIM; i++) {
                s += (double) q[(pos * HEADS + h) * HEAD_DIM + i] * k[(p * KV_HEADS + kvh) * HEAD_DIM + i];
            }
            scores[p] = s / Math.sqrt(HEAD_DIM);
            max = Math.max(max, scores[p]);
        }
        double sum = 0;
        for (int p = 0; p <= pos; p++) sum += scores[p] = Math.exp(scores[p] - max);
        double[] out = new double[HEAD_DIM];
        for (int p = 0; p <= pos; p++) {
            for (int i = 0; i < HEAD_DIM; i++) out[i] += scores[p] / sum * v[(p * KV_HEADS + kvh) * HEAD_DIM + i];
        }
        return out;
    }

    private static CpuActivations rows(float[] all, int first, int n, int heads) {
        return new CpuActivations(all, first, n, heads * HEAD_DIM);
    }

    private static float[] gaussian(SplittableRandom random, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) random.nextGaussian();
        return x;
    }
}
