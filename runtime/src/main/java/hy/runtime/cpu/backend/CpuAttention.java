package hy.runtime.cpu.backend;

import hy.runtime.cpu.CpuPool;
import hy.runtime.cpu.FloatVectors;
import hy.runtime.util.Softmax;

/**
 * Causal grouped-query attention over the CPU KV cache. Work is split over (block of query tokens, KV head): each
 * task decodes its KV head's slice of every cached position it needs once and uses it for all its tokens and all
 * query heads of the group, so a prompt of n tokens decodes ~n²/(2·BLOCK) cache rows per head instead of ~n²/2. A
 * single decode token still gets one task per KV head.
 */
final class CpuAttention {
    private CpuAttention() {}

    /** Query tokens per task: enough to amortize decoding the cache, few enough for many tasks per prompt. */
    static final int BLOCK = 16;

    static void run(CpuPool pool, CpuActivations q, CpuActivations k, CpuActivations v, CpuKvCache cache, int layer,
            int startPos, int headDim, CpuActivations out) {
        int n = q.tokens;
        for (int t = 0; t < n; t++) cache.store(layer, startPos + t, k.data, k.at(t), v.data, v.at(t));
        int heads = q.width / headDim;
        int kvHeads = k.width / headDim;
        int group = heads / kvHeads;
        float scale = (float) (1.0 / Math.sqrt(headDim));
        int blocks = (n + BLOCK - 1) / BLOCK;
        pool.parallelFor(blocks * kvHeads, (task, worker) -> {
            int kvh = task % kvHeads;
            int t0 = task / kvHeads * BLOCK;
            int t1 = Math.min(n, t0 + BLOCK);
            int positions = startPos + t1;   // the last token of the block sees them all
            // Scores of (token t, head g of the group) at position p: scores[((t - t0)·group + g)·positions + p].
            float[] scores = new float[(t1 - t0) * group * positions];
            // Only this KV head's slice of each cached row when heads are whole quant blocks (always for the real
            // model's 128-wide heads); else the whole row, read at the head's offset.
            boolean slice = cache.canSlice(headDim);
            int from = slice ? kvh * headDim : 0, len = slice ? headDim : cache.kvDim, at = slice ? 0 : kvh * headDim;
            float[] row = new float[len];
            for (int p = 0; p < positions; p++) {
                cache.loadKey(layer, p, from, len, row);
                for (int t = Math.max(t0, p - startPos); t < t1; t++) {
                    for (int g = 0; g < group; g++) {
                        int h = kvh * group + g;
                        scores[((t - t0) * group + g) * positions + p] =
                                FloatVectors.dot(q.data, q.at(t) + h * headDim, row, at, headDim) * scale;
                    }
                }
            }
            for (int t = t0; t < t1; t++) {
                for (int g = 0; g < group; g++) Softmax.inPlace(scores, ((t - t0) * group + g) * positions, startPos + t + 1);
                int o0 = out.at(t) + kvh * group * headDim;
                java.util.Arrays.fill(out.data, o0, o0 + group * headDim, 0f);
            }
            for (int p = 0; p < positions; p++) {
                cache.loadValue(layer, p, from, len, row);
                for (int t = Math.max(t0, p - startPos); t < t1; t++) {
                    int o0 = out.at(t) + kvh * group * headDim;
                    for (int g = 0; g < group; g++) {
                        float s = scores[((t - t0) * group + g) * positions + p];
                        FloatVectors.addScaled(s, row, at, out.data, o0 + g * headDim, headDim);
                    }
                }
            }
        });
    }
}
