package hy.runtime.cpu.backend;

import hy.runtime.backend.ExpertSelection;
import hy.runtime.backend.MoeWeights;
import hy.runtime.tensor.Tensor;

/**
 * The MoE FFN on the CPU: router softmax and top-k per token, the shared expert over the whole batch, then each
 * routed expert over the tokens that chose it (tokens grouped by expert, so each expert's weights stream once per
 * batch).
 */
final class CpuMoe {
    private CpuMoe() {}

    static void run(CpuActivations x, MoeWeights w, ExpertSelection selection, CpuActivations acc) {
        int n = x.tokens, hidden = x.width;
        Tensor router = w.router().tensor();
        int experts = (int) router.ne(1);
        float[] probs = new float[n * experts];
        ReferenceMatmul.matmul(router, x.data, x.at(0), n, probs, 0, experts);

        // Shared expert over all tokens.
        ffn(w.gateShared().tensor(), w.upShared().tensor(), w.downShared().tensor(), x.data, x.at(0), n, hidden, acc, null, null);

        // Route: per expert, the tokens that chose it and their gate weights.
        int[][] tokensOf = new int[experts][n];
        float[][] gatesOf = new float[experts][n];
        int[] count = new int[experts];
        int[] ids = new int[selection.topK()];
        float[] gates = new float[selection.topK()];
        float[] p = new float[experts];
        for (int t = 0; t < n; t++) {
            System.arraycopy(probs, t * experts, p, 0, experts);
            CpuOps.softmax(p, 0, experts);
            int kept = selection.select(p, ids, gates);
            for (int j = 0; j < kept; j++) {
                int e = ids[j];
                tokensOf[e][count[e]] = t;
                gatesOf[e][count[e]++] = gates[j];
            }
        }
        Tensor gate = w.gateExps().tensor(), up = w.upExps().tensor(), down = w.downExps().tensor();
        for (int e = 0; e < experts; e++) {
            int m = count[e];
            if (m == 0) continue;
            float[] xs = new float[m * hidden];
            for (int i = 0; i < m; i++) System.arraycopy(x.data, x.at(tokensOf[e][i]), xs, i * hidden, hidden);
            ffn(gate.slice2d(e), up.slice2d(e), down.slice2d(e), xs, 0, m, hidden, acc, tokensOf[e], gatesOf[e]);
        }
    }

    /**
     * acc[rowOf[i]] += scale[i] · Wdown (silu(Wgate x_i) ⊙ Wup x_i) for the m rows of xs; rowOf/scale null means
     * row i of acc with scale 1.
     */
    private static void ffn(Tensor gate, Tensor up, Tensor down, float[] xs, int xAt, int m, int hidden,
            CpuActivations acc, int[] rowOf, float[] scale) {
        int ff = (int) gate.ne(1);
        float[] g = new float[m * ff], u = new float[m * ff], y = new float[m * hidden];
        ReferenceMatmul.matmul(gate, xs, xAt, m, g, 0, ff);
        ReferenceMatmul.matmul(up, xs, xAt, m, u, 0, ff);
        for (int i = 0; i < m * ff; i++) g[i] = CpuOps.silu(g[i]) * u[i];
        ReferenceMatmul.matmul(down, g, 0, m, y, 0, hidden);
        for (int i = 0; i < m; i++) {
            int row = acc.at(rowOf == null ? i : rowOf[i]);
            float s = scale == null ? 1f : scale[i];
            for (int j = 0; j < hidden; j++) acc.data[row + j] += s * y[i * hidden + j];
        }
    }
}
