package hy.cuda.kernels;

import hy.cuda.KernelArgs;
import hy.cuda.KernelRunner;
import hy.cuda.PtxModule;
import hy.runtime.backend.ExpertSelection;

/**
 * moe.cu: routing, grouping by expert, the grouped expert products (one launch per weight tensor, whatever the number
 * of experts) and the weighted sum into the residual. All device-side: no launch depends on a value read back.
 */
public final class MoeLauncher {
    private final KernelRunner runner;

    public MoeLauncher(KernelRunner runner) {
        this.runner = runner;
    }

    public static void checkShape(int experts, int topK) {
        if (experts > KernelGeometry.MOE_MAX_EXPERTS) {
            throw new IllegalArgumentException(experts + " experts; the CUDA router serves up to " + KernelGeometry.MOE_MAX_EXPERTS);
        }
        if (topK > KernelGeometry.MOE_MAX_TOPK) {
            throw new IllegalArgumentException("top-" + topK + " routing; the CUDA router serves up to " + KernelGeometry.MOE_MAX_TOPK);
        }
    }

    /** Softmax, top-k and renormalisation of router logits [tokens][experts] into ids and gates [tokens][topK]. */
    public void route(long logits, int tokens, int experts, ExpertSelection sel, long ids, long gates) {
        checkShape(experts, sel.topK());
        runner.launch(PtxModule.MOE, "moe_route", KernelGeometry.moeRoute(tokens),
                new KernelArgs().ptr(logits).i32(tokens).i32(experts).i32(sel.topK()).i32(sel.minKeep())
                        .f32(sel.threshold()).ptr(ids).ptr(gates));
    }

    /** Groups the routed pairs into slots by expert and cuts tensor-core tiles; counts receives {slots, tiles}. */
    public void sort(long ids, long gates, int tokens, int topK, int experts, long slotToken, long slotGate, long slotExpert,
            long tokenSlot, long tiles, long counts) {
        runner.launch(PtxModule.MOE, "moe_sort", KernelGeometry.moeSort(),
                new KernelArgs().ptr(ids).ptr(gates).i32(tokens).i32(topK).i32(experts).i32(KernelGeometry.MOE_TILE_SLOTS)
                        .ptr(slotToken).ptr(slotGate).ptr(slotExpert).ptr(tokenSlot).ptr(tiles).ptr(counts));
    }

    /**
     * y[slot] = W_expert(slot) · x[row(slot)] for a stacked expert tensor ({@code expertBytes} apart).
     * @param slotToken device map slot → token row of x, or 0 when x rows are the slots themselves
     * @param matvec the small-batch kernel (one slot per block) instead of the tensor-core tiles
     */
    public void products(WeightFormat f, boolean matvec, long w, long rowBytes, long expertBytes, int rowLength, int rows,
            long x, long slotToken, long slotExpert, long tiles, long counts, int maxSlots, int maxTiles, long y) {
        int units = WeightFormat.units(rowLength);
        if (matvec) {
            runner.launch(PtxModule.MOE, "moe_matvec_" + f.suffix(), KernelGeometry.moeMatvec(rows, maxSlots),
                    new KernelArgs().ptr(w).i64(rowBytes).i64(expertBytes).i32(units).i32(rows).ptr(x).ptr(slotToken)
                            .ptr(slotExpert).ptr(counts).ptr(y));
        } else {
            runner.launch(PtxModule.MOE, "moe_matmul_" + f.suffix(), KernelGeometry.moeMatmul(rows, maxTiles),
                    new KernelArgs().ptr(w).i64(rowBytes).i64(expertBytes).i32(units).i32(rows).ptr(x).ptr(slotToken)
                            .ptr(tiles).ptr(counts).ptr(y));
        }
    }

    /** acc[t] += shared[t] + Σ gate · y[slot] over the token's experts. */
    public void combine(long acc, long shared, long y, long tokenSlot, long slotGate, int topK, int width, int tokens) {
        runner.launch(PtxModule.MOE, "moe_combine", KernelGeometry.moeCombine(width, tokens),
                new KernelArgs().ptr(acc).ptr(shared).ptr(y).ptr(tokenSlot).ptr(slotGate).i32(topK).i32(width));
    }
}
