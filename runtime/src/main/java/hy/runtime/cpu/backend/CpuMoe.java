package hy.runtime.cpu.backend;

import hy.runtime.backend.ExpertSelection;
import hy.runtime.backend.MoeWeights;
import hy.runtime.cpu.QuantizedActivations;
import hy.runtime.cpu.WeightMatrix;
import java.util.ArrayList;
import java.util.List;

/**
 * The MoE FFN on the CPU in two fork-joins per layer. Router softmax and top-k per token first; then the tokens are
 * grouped by expert, so each selected expert's rows stream from memory once per batch, and
 * <ol>
 *   <li>gate and up of the shared expert and of every selected expert run as one batch of products (the input of
 *       each group quantized once);</li>
 *   <li>after SiLU(gate)·up, the down projections of all of them run as a second batch;</li>
 * </ol>
 * and the outputs are summed into the residual with the router weights.
 */
final class CpuMoe {
    private CpuMoe() {}

    /** One group of rows through one FFN: the shared expert (all tokens) or a routed expert (its tokens). */
    private static final class Group {
        final WeightMatrix gate, up, down;
        final int[] rows;      // token index in the batch of each row
        final float[] scale;   // router weight of each row (null: 1)
        final int m;
        float[] g, u, y;

        Group(WeightMatrix gate, WeightMatrix up, WeightMatrix down, int[] rows, float[] scale, int m) {
            this.gate = gate;
            this.up = up;
            this.down = down;
            this.rows = rows;
            this.scale = scale;
            this.m = m;
        }
    }

    static void run(CpuBackend be, CpuActivations x, MoeWeights w, ExpertSelection selection, CpuActivations acc) {
        int n = x.tokens, hidden = x.width;
        CpuWeight router = CpuWeight.of(w.router());
        int experts = router.matrix().rows();

        float[] probs = new float[n * experts];
        be.matmul(router, x, new CpuActivations(probs, 0, n, experts));
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

        List<Group> groups = new ArrayList<>();
        int[] all = new int[n];
        for (int t = 0; t < n; t++) all[t] = t;
        groups.add(new Group(CpuWeight.of(w.gateShared()).matrix(), CpuWeight.of(w.upShared()).matrix(),
                CpuWeight.of(w.downShared()).matrix(), all, null, n));
        CpuWeight gate = CpuWeight.of(w.gateExps()), up = CpuWeight.of(w.upExps()), down = CpuWeight.of(w.downExps());
        for (int e = 0; e < experts; e++) {
            if (count[e] > 0) groups.add(new Group(gate.expert(e), up.expert(e), down.expert(e), tokensOf[e], gatesOf[e], count[e]));
        }

        // Phase 1: gate and up of every group. All groups of a single-token batch share one quantized input.
        QuantizedActivations shared = be.quantized(x);
        ProductBatch batch = be.batch();
        long gateRowBytes = gate.tensor().rowBytes();
        for (int i = 0; i < groups.size(); i++) {
            Group gr = groups.get(i);
            QuantizedActivations in = gr.m == n ? shared : gathered(x, gr);
            int ff = gr.gate.rows();
            gr.g = new float[gr.m * ff];
            gr.u = new float[gr.m * ff];
            batch.add(gr.gate, in, gr.g, 0, ff, gateRowBytes);
            batch.add(gr.up, in, gr.u, 0, ff, gateRowBytes);
        }
        batch.run();

        // Phase 2: down of every group, on its own SiLU(gate)·up.
        long downRowBytes = down.tensor().rowBytes();
        for (Group gr : groups) {
            int ff = gr.gate.rows();
            for (int i = 0; i < gr.g.length; i++) gr.g[i] = CpuOps.silu(gr.g[i]) * gr.u[i];
            QuantizedActivations h = new QuantizedActivations(ff, gr.m);
            h.set(gr.g, 0, ff, gr.m);
            gr.y = new float[gr.m * hidden];
            batch.add(gr.down, h, gr.y, 0, hidden, downRowBytes);
        }
        batch.run();

        for (Group gr : groups) {
            for (int i = 0; i < gr.m; i++) {
                int row = acc.at(gr.rows[i]);
                float s = gr.scale == null ? 1f : gr.scale[i];
                for (int j = 0; j < hidden; j++) acc.data[row + j] += s * gr.y[i * hidden + j];
            }
        }
    }

    /** The rows of {@code x} a routed expert receives, as its own quantized input. */
    private static QuantizedActivations gathered(CpuActivations x, Group gr) {
        float[] rows = new float[gr.m * x.width];
        for (int i = 0; i < gr.m; i++) System.arraycopy(x.data, x.at(gr.rows[i]), rows, i * x.width, x.width);
        QuantizedActivations q = new QuantizedActivations(x.width, gr.m);
        q.set(rows, 0, x.width, gr.m);
        return q;
    }
}
