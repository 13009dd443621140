package hy.runtime.cpu.backend;

import hy.runtime.backend.ExpertRouting;
import hy.runtime.backend.Weight;
import hy.runtime.cpu.QuantizedActivations;
import hy.runtime.cpu.WeightMatrix;
import java.util.ArrayList;
import java.util.List;

/**
 * The FFN half of a MoE layer on the CPU in two fork-joins: the tokens are grouped by expert, so each selected
 * expert's rows stream from memory once per batch, and
 * <ol>
 *   <li>gate and up of the shared expert and of every selected expert run as one batch of products (the input of
 *       each group quantized once);</li>
 *   <li>after SiLU(gate)·up, the down projections of all of them run as a second batch;</li>
 * </ol>
 * then the outputs are summed into the residual with the router weights. The shared expert or the routed ones may
 * be left out (the hybrid executor runs them on different devices).
 */
final class CpuMoe {
    private CpuMoe() {}

    record Shared(Weight gate, Weight up, Weight down) {}

    record Routed(Weight gate, Weight up, Weight down) {}

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

    /** acc += Shared(x) (when {@code shared} is given) + Σ routed experts (when {@code routed} is given). */
    static void run(CpuBackend be, CpuActivations x, Shared shared, ExpertRouting routing, Routed routed, CpuActivations acc) {
        int n = x.tokens, hidden = x.width;
        List<Group> groups = new ArrayList<>();
        long gateRowBytes = 0, downRowBytes = 0;
        if (shared != null) {
            int[] all = new int[n];
            for (int t = 0; t < n; t++) all[t] = t;
            groups.add(new Group(CpuWeight.of(shared.gate()).matrix(), CpuWeight.of(shared.up()).matrix(),
                    CpuWeight.of(shared.down()).matrix(), all, null, n));
            gateRowBytes = shared.gate().tensor().rowBytes();
            downRowBytes = shared.down().tensor().rowBytes();
        }
        if (routed != null) {
            CpuWeight gate = CpuWeight.of(routed.gate()), up = CpuWeight.of(routed.up()), down = CpuWeight.of(routed.down());
            int experts = Math.toIntExact(gate.tensor().ne(2));
            int[][] tokensOf = new int[experts][n];
            float[][] gatesOf = new float[experts][n];
            int[] count = new int[experts];
            for (int t = 0; t < n; t++) {
                for (int j = 0; j < routing.topK(); j++) {
                    int e = routing.ids()[t * routing.topK() + j];
                    if (e < 0) continue;
                    tokensOf[e][count[e]] = t;
                    gatesOf[e][count[e]++] = routing.weights()[t * routing.topK() + j];
                }
            }
            for (int e = 0; e < experts; e++) {
                if (count[e] > 0) groups.add(new Group(gate.expert(e), up.expert(e), down.expert(e), tokensOf[e], gatesOf[e], count[e]));
            }
            gateRowBytes = Math.max(gateRowBytes, gate.tensor().rowBytes());
            downRowBytes = Math.max(downRowBytes, down.tensor().rowBytes());
        }

        // Phase 1: gate and up of every group. Groups holding the whole batch share one quantized input.
        QuantizedActivations whole = be.quantized(x);
        ProductBatch batch = be.batch();
        for (Group gr : groups) {
            QuantizedActivations in = gr.m == n && inOrder(gr.rows) ? whole : gathered(x, gr);
            int ff = gr.gate.rows();
            gr.g = new float[gr.m * ff];
            gr.u = new float[gr.m * ff];
            batch.add(gr.gate, in, gr.g, 0, ff, gateRowBytes);
            batch.add(gr.up, in, gr.u, 0, ff, gateRowBytes);
        }
        batch.run();

        // Phase 2: down of every group, on its own SiLU(gate)·up.
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

    private static boolean inOrder(int[] rows) {
        for (int i = 0; i < rows.length; i++) if (rows[i] != i) return false;
        return true;
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
