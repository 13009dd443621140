package hy.runtime.cpu.backend;

import hy.runtime.util.Softmax;

/**
 * Causal grouped-query attention over the CPU KV cache. Work is split over (token, KV head) so a single decode
 * token still uses several threads; each task reads its KV head's slice of every cached position once and serves
 * all query heads of the group.
 */
final class CpuAttention {
    private CpuAttention() {}

    static void run(hy.runtime.cpu.CpuPool pool, CpuActivations q, CpuActivations k, CpuActivations v, CpuKvCache cache, int layer, int startPos,
            int headDim, CpuActivations out) {
        int n = q.tokens;
        for (int t = 0; t < n; t++) cache.store(layer, startPos + t, k.data, k.at(t), v.data, v.at(t));
        int heads = q.width / headDim;
        int kvHeads = k.width / headDim;
        int group = heads / kvHeads;
        float scale = (float) (1.0 / Math.sqrt(headDim));
        pool.parallelFor(n * kvHeads, (task, worker) -> {
            int t = task / kvHeads, kvh = task % kvHeads;
            int positions = startPos + t + 1;
            float[] scores = new float[group * positions];
            // Only this KV head's slice of each cached row when heads are whole quant blocks (always for the real
            // model's 128-wide heads); else the whole row, read at the head's offset.
            boolean slice = cache.canSlice(headDim);
            int from = slice ? kvh * headDim : 0, len = slice ? headDim : cache.kvDim, at = slice ? 0 : kvh * headDim;
            float[] row = new float[len];
            for (int p = 0; p < positions; p++) {
                cache.loadKey(layer, p, from, len, row);
                for (int g = 0; g < group; g++) {
                    int h = kvh * group + g;
                    scores[g * positions + p] = CpuOps.dot(q.data, q.at(t) + h * headDim, row, at, headDim) * scale;
                }
            }
            for (int g = 0; g < group; g++) Softmax.inPlace(scores, g * positions, positions);
            int o0 = out.at(t) + kvh * group * headDim;
            java.util.Arrays.fill(out.data, o0, o0 + group * headDim, 0f);
            for (int p = 0; p < positions; p++) {
                cache.loadValue(layer, p, from, len, row);
                for (int g = 0; g < group; g++) {
                    float s = scores[g * positions + p];
                    int o = o0 + g * headDim;
                    for (int i = 0; i < headDim; i++) out.data[o + i] += s * row[at + i];
                }
            }
        });
    }
}
