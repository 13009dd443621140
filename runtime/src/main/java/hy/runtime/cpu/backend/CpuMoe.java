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
        /** Where this group's rows start in the scratch arrays: gate/up rows of ff, down rows of hidden. */
        int ffAt, hiddenAt;

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

        // Phase 1: gate and up of every group. Groups holding the whole batch share one quantized input; the others
        // gather their tokens' rows (one task per group). Outputs go into the backend's reused scratch.
        MoeScratch scratch = be.moeScratch();
        int ffTotal = 0, hiddenTotal = 0;
        for (Group gr : groups) {
            gr.ffAt = ffTotal;
            gr.hiddenAt = hiddenTotal;
            ffTotal += gr.m * gr.gate.rows();
            hiddenTotal += gr.m * hidden;
        }
        float[] g = scratch.gate(ffTotal), u = scratch.up(ffTotal), y = scratch.down(hiddenTotal);
        QuantizedActivations whole = be.quantized(x);
        QuantizedActivations[] inputs = new QuantizedActivations[groups.size()];
        for (int i = 0; i < groups.size(); i++) {
            Group gr = groups.get(i);
            inputs[i] = gr.m == n && inOrder(gr.rows) ? whole : scratch.input(i, x.width, gr.m);
        }
        be.pool().parallelFor(groups.size(), (i, worker) -> {
            if (inputs[i] != whole) inputs[i].setRows(x.data, rowOffsets(x, groups.get(i)), groups.get(i).m);
        });
        ProductBatch batch = be.batch();
        for (int gi = 0; gi < groups.size(); gi++) {
            Group gr = groups.get(gi);
            int ff = gr.gate.rows();
            batch.add(gr.gate, inputs[gi], g, gr.ffAt, ff, gateRowBytes);
            batch.add(gr.up, inputs[gi], u, gr.ffAt, ff, gateRowBytes);
        }
        batch.run();

        // Phase 2: down of every group, on its own SiLU(gate)·up (computed one task per group).
        QuantizedActivations[] hs = new QuantizedActivations[groups.size()];
        for (int i = 0; i < groups.size(); i++) hs[i] = scratch.hidden(i, groups.get(i).gate.rows(), groups.get(i).m);
        be.pool().parallelFor(groups.size(), (i, worker) -> {
            Group gr = groups.get(i);
            int end = gr.ffAt + gr.m * gr.gate.rows();
            for (int k = gr.ffAt; k < end; k++) g[k] = CpuOps.silu(g[k]) * u[k];
            hs[i].set(g, gr.ffAt, gr.gate.rows(), gr.m);
        });
        for (int gi = 0; gi < groups.size(); gi++) {
            Group gr = groups.get(gi);
            batch.add(gr.down, hs[gi], y, gr.hiddenAt, hidden, downRowBytes);
        }
        batch.run();

        // The weighted sum into the residual, split by columns: every element gets its terms in the same order
        // (groups, then rows) whatever the thread count, so the result is deterministic.
        int chunk = 256;
        be.pool().parallelFor((hidden + chunk - 1) / chunk, (c, worker) -> {
            int j0 = c * chunk, j1 = Math.min(hidden, j0 + chunk);
            for (Group gr : groups) {
                for (int i = 0; i < gr.m; i++) {
                    int row = acc.at(gr.rows[i]);
                    int from = gr.hiddenAt + i * hidden;
                    float s = gr.scale == null ? 1f : gr.scale[i];
                    for (int j = j0; j < j1; j++) acc.data[row + j] += s * y[from + j];
                }
            }
        });
    }

    private static boolean inOrder(int[] rows) {
        for (int i = 0; i < rows.length; i++) if (rows[i] != i) return false;
        return true;
    }

    /** Where in {@code x.data} each row of the group starts. */
    private static int[] rowOffsets(CpuActivations x, Group gr) {
        int[] at = new int[gr.m];
        for (int i = 0; i < gr.m; i++) at[i] = x.at(gr.rows[i]);
        return at;
    }
}
