package hy.cuda.backend;

import hy.cuda.Gpu;
import hy.cuda.kernels.ElementwiseLauncher;
import hy.cuda.kernels.KernelGeometry;
import hy.cuda.kernels.LinearLauncher;
import hy.cuda.kernels.MoeLauncher;
import hy.runtime.backend.ExpertSelection;

/**
 * The MoE FFN on the device, from the normalised hidden state to the residual, with no value read back:
 * <pre>
 *   logits = Wrouter x;   route (softmax, top-k, renormalise);   sort pairs by expert into slots
 *   G = Wgate[e] x[tok(slot)],  U = Wup[e] x[tok(slot)]   (one launch each, all experts)
 *   H = silu(G) ⊙ U;            Y = Wdown[e] H[slot]
 *   shared: S = Wd_s (silu(Wg_s x) ⊙ Wu_s x)
 *   acc[t] += S[t] + Σ gate(slot) Y[slot]
 * </pre>
 */
final class CudaMoe {
    private final LinearLauncher linear;
    private final MoeLauncher moe;
    private final ElementwiseLauncher elementwise;
    private final Gpu gpu;

    CudaMoe(LinearLauncher linear, MoeLauncher moe, ElementwiseLauncher elementwise, Gpu gpu) {
        this.linear = linear;
        this.moe = moe;
        this.elementwise = elementwise;
        this.gpu = gpu;
    }

    /** The weights of one layer's FFN, already checked to be on this device. */
    record Weights(CudaWeight router, CudaWeight gate, CudaWeight up, CudaWeight down, CudaWeight gateShared,
            CudaWeight upShared, CudaWeight downShared) {}

    /** Temporaries of one call, as offsets into the scratch buffer. */
    private record Plan(long logits, long ids, long gates, long slotToken, long slotGate, long slotExpert, long tokenSlot,
            long tiles, long counts, long g, long u, long y, long gs, long us, long ys, long size) {
        static Plan of(int n, int topK, int experts, int ff, int sharedFf, int hidden) {
            ScratchLayout l = new ScratchLayout();
            long slots = (long) n * topK;
            return new Plan(l.floats((long) n * experts), l.ints(slots), l.floats(slots), l.ints(slots), l.floats(slots),
                    l.ints(slots), l.ints(slots), l.ints(3L * KernelGeometry.moeMaxTiles((int) slots, experts)), l.ints(2),
                    l.floats(slots * ff), l.floats(slots * ff), l.floats(slots * hidden), l.floats((long) n * sharedFf),
                    l.floats((long) n * sharedFf), l.floats((long) n * hidden), l.size());
        }
    }

    void run(long x, int n, int hidden, Weights w, ExpertSelection sel, long acc, Scratch scratch) {
        int experts = w.router.rows(), topK = sel.topK(), sff = w.gateShared.rows();
        MoeLauncher.checkShape(experts, topK);
        Plan p = Plan.of(n, topK, experts, w.gate.rows(), sff, hidden);
        long base = scratch.base(p.size);
        linear.linear(w.router.format(), w.router.address(), w.router.rowBytes(), hidden, experts, x, n, base + p.logits);
        moe.route(base + p.logits, n, experts, sel, base + p.ids, base + p.gates);
        routed(x, n, hidden, w.gate, w.up, w.down, topK, base + p.ids, base + p.gates, base, p);

        linear.linear(w.gateShared.format(), w.gateShared.address(), w.gateShared.rowBytes(), hidden, sff, x, n, base + p.gs);
        linear.linear(w.upShared.format(), w.upShared.address(), w.upShared.rowBytes(), hidden, sff, x, n, base + p.us);
        elementwise.swiglu(base + p.gs, base + p.us, base + p.gs, (long) n * sff);
        linear.linear(w.downShared.format(), w.downShared.address(), w.downShared.rowBytes(), sff, hidden, base + p.gs, n, base + p.ys);

        moe.combine(acc, base + p.ys, base + p.y, base + p.tokenSlot, base + p.slotGate, topK, hidden, n);
    }

    /**
     * Only the routed experts, for a routing decided elsewhere (the hybrid executor's host-side router): acc[t] +=
     * Σ gate · FFN_id(x[t]) with ids and gates ({@code n × topK}, id −1 = unused) already in device memory.
     */
    void routedOnly(long x, int n, int hidden, CudaWeight gate, CudaWeight up, CudaWeight down, int topK, long ids,
            long gates, long acc, Scratch scratch) {
        int experts = gate.experts();
        MoeLauncher.checkShape(experts, topK);
        Plan p = Plan.of(n, topK, experts, gate.rows(), 0, hidden);
        long base = scratch.base(p.size);
        routed(x, n, hidden, gate, up, down, topK, ids, gates, base, p);
        gpu.fill32(base + p.ys, 0, (long) n * hidden); // no shared expert: add zeros in its place
        moe.combine(acc, base + p.ys, base + p.y, base + p.tokenSlot, base + p.slotGate, topK, hidden, n);
    }

    /** Groups the pairs by expert and computes Y[slot] = down_e(silu(gate_e x) ⊙ up_e x) for every slot. */
    private void routed(long x, int n, int hidden, CudaWeight gate, CudaWeight up, CudaWeight down, int topK, long ids,
            long gates, long base, Plan p) {
        int experts = gate.experts(), ff = gate.rows(), slots = n * topK;
        if (up.experts() != experts || down.experts() != experts) {
            throw new IllegalArgumentException("expert tensors hold " + gate.experts() + ", " + up.experts() + " and " + down.experts() + " experts");
        }
        int maxTiles = KernelGeometry.moeMaxTiles(slots, experts);
        moe.sort(ids, gates, n, topK, experts, base + p.slotToken, base + p.slotGate, base + p.slotExpert, base + p.tokenSlot,
                base + p.tiles, base + p.counts);
        expertProducts(gate, hidden, x, base + p.slotToken, base, p, slots, maxTiles, n, base + p.g);
        expertProducts(up, hidden, x, base + p.slotToken, base, p, slots, maxTiles, n, base + p.u);
        elementwise.swiglu(base + p.g, base + p.u, base + p.g, (long) slots * ff);
        expertProducts(down, ff, base + p.g, 0, base, p, slots, maxTiles, n, base + p.y);
    }

    private void expertProducts(CudaWeight w, int rowLength, long x, long slotToken, long base, Plan p, int slots,
            int maxTiles, int tokens, long y) {
        boolean matvec = LinearLauncher.usesMatvec(w.format(), tokens);
        moe.products(w.format(), matvec, w.address(), w.rowBytes(), w.expertBytes(), rowLength, w.rows(), x, slotToken,
                base + p.slotExpert, base + p.tiles, base + p.counts, slots, maxTiles, y);
    }
}
