package hy.cuda.backend;

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

    CudaMoe(LinearLauncher linear, MoeLauncher moe, ElementwiseLauncher elementwise) {
        this.linear = linear;
        this.moe = moe;
        this.elementwise = elementwise;
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
        int experts = w.router.rows(), topK = sel.topK(), ff = w.gate.rows(), sff = w.gateShared.rows();
        MoeLauncher.checkShape(experts, topK);
        if (w.gate.experts() != experts || w.up.experts() != experts || w.down.experts() != experts) {
            throw new IllegalArgumentException("the router has " + experts + " experts but the expert tensors hold " + w.gate.experts());
        }
        Plan p = Plan.of(n, topK, experts, ff, sff, hidden);
        long base = scratch.base(p.size);
        int slots = n * topK;
        int maxTiles = KernelGeometry.moeMaxTiles(slots, experts);

        linear.linear(w.router.format(), w.router.address(), w.router.rowBytes(), hidden, experts, x, n, base + p.logits);
        moe.route(base + p.logits, n, experts, sel, base + p.ids, base + p.gates);
        moe.sort(base + p.ids, base + p.gates, n, topK, experts, base + p.slotToken, base + p.slotGate, base + p.slotExpert,
                base + p.tokenSlot, base + p.tiles, base + p.counts);
        expertProducts(w.gate, hidden, x, base + p.slotToken, base, p, slots, maxTiles, n, base + p.g);
        expertProducts(w.up, hidden, x, base + p.slotToken, base, p, slots, maxTiles, n, base + p.u);
        elementwise.swiglu(base + p.g, base + p.u, base + p.g, (long) slots * ff);
        expertProducts(w.down, ff, base + p.g, 0, base, p, slots, maxTiles, n, base + p.y);

        linear.linear(w.gateShared.format(), w.gateShared.address(), w.gateShared.rowBytes(), hidden, sff, x, n, base + p.gs);
        linear.linear(w.upShared.format(), w.upShared.address(), w.upShared.rowBytes(), hidden, sff, x, n, base + p.us);
        elementwise.swiglu(base + p.gs, base + p.us, base + p.gs, (long) n * sff);
        linear.linear(w.downShared.format(), w.downShared.address(), w.downShared.rowBytes(), sff, hidden, base + p.gs, n, base + p.ys);

        moe.combine(acc, base + p.ys, base + p.y, base + p.tokenSlot, base + p.slotGate, topK, hidden, n);
    }

    private void expertProducts(CudaWeight w, int rowLength, long x, long slotToken, long base, Plan p, int slots,
            int maxTiles, int tokens, long y) {
        boolean matvec = LinearLauncher.usesMatvec(w.format(), tokens);
        moe.products(w.format(), matvec, w.address(), w.rowBytes(), w.expertBytes(), rowLength, w.rows(), x, slotToken,
                base + p.slotExpert, base + p.tiles, base + p.counts, slots, maxTiles, y);
    }
}
