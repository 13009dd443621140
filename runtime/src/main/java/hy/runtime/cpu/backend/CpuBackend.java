package hy.runtime.cpu.backend;

import hy.runtime.backend.Activations;
import hy.runtime.backend.Backend;
import hy.runtime.backend.ExpertRouting;
import hy.runtime.backend.ExpertSelection;
import hy.runtime.backend.KvCache;
import hy.runtime.backend.MoeWeights;
import hy.runtime.backend.Weight;
import hy.runtime.cpu.CpuPool;
import hy.runtime.cpu.CpuWeights;
import hy.runtime.cpu.HugePages;
import hy.runtime.cpu.DequantizingMatrix;
import hy.runtime.cpu.QuantizedActivations;
import hy.runtime.cpu.WeightMatrix;
import hy.runtime.quant.QuantCodecs;
import hy.runtime.tensor.GgmlType;
import hy.runtime.tensor.Tensor;
import java.lang.foreign.Arena;
import java.util.HashMap;
import java.util.Map;

/**
 * Every op on the CPU: weights used in place from the memory-mapped file (or, with {@code repack}, copied once into
 * the kernels' packed layout, like llama.cpp's -rtr), Vector API kernels on one {@link CpuPool}, each activation
 * quantized once per op however many matrices read it.
 */
public final class CpuBackend implements Backend {
    private final CpuPool pool;
    private final boolean ownsPool;
    private final boolean repack;
    /** Dequantize-then-multiply in float for every matrix: the reference other backends are checked against. */
    private final boolean floatReference;
    private final Arena packed = Arena.ofShared();
    /** Quantized-activation scratch per input width; ops run one at a time (HunyuanModel.forward is synchronized). */
    private final Map<Integer, QuantizedActivations> scratch = new HashMap<>();

    /** A backend on a new pool of {@code threads} threads; {@code repack} copies weights into packed layouts. */
    public CpuBackend(int threads, boolean repack) {
        this(new CpuPool(threads), true, repack, false);
    }

    /**
     * As {@link #CpuBackend(int, boolean)}; with {@code copyWeights} (llama.cpp's --no-mmap) the matrices not
     * repacked are copied out of the mapped file into memory, in 2 MiB pages where the OS allows (measured on the
     * dev box: no faster decode than the mapping).
     */
    public CpuBackend(int threads, boolean repack, boolean copyWeights) {
        this(new CpuPool(threads), true, repack, false);
        this.copyWeights = copyWeights;
    }

    /**
     * A backend whose matrix products dequantize each weight row and multiply it with the float activations (no 8-bit
     * activation quantization): slow, and as exact as float32 allows — the reference for checking GPU kernels, which
     * keep activations in float or f16.
     */
    public static CpuBackend floatReference(int threads) {
        return new CpuBackend(new CpuPool(threads), true, false, true);
    }

    /** A backend on all cores, weights used in place. */
    public CpuBackend() {
        this(Runtime.getRuntime().availableProcessors(), false);
    }

    private boolean copyWeights;

    private CpuBackend(CpuPool pool, boolean ownsPool, boolean repack, boolean floatReference) {
        this.pool = pool;
        this.ownsPool = ownsPool;
        this.repack = repack;
        this.floatReference = floatReference;
    }

    public CpuPool pool() {
        return pool;
    }

    @Override
    public String name() {
        return "CPU";
    }

    @Override
    public Weight weight(Tensor t) {
        QuantCodecs.of(t.type(), t.name()); // fails early, naming the tensor, for types we cannot read at all
        if (t.dims() < 2 || t.ne(1) == 1) return new CpuWeight(this, t, null, null);
        if (floatReference) {
            if (t.dims() == 2) return new CpuWeight(this, t, new DequantizingMatrix(t), null);
            WeightMatrix[] experts = new WeightMatrix[Math.toIntExact(t.ne(2))];
            for (int e = 0; e < experts.length; e++) experts[e] = new DequantizingMatrix(t.slice2d(e));
            return new CpuWeight(this, t, null, experts);
        }
        boolean copied = copyWeights && !CpuWeights.repacks(t, repack) && t.data().isMapped();
        Tensor mapped = t;
        if (copied) t = new Tensor(t.name(), t.type(), t.ne(), HugePages.allocate(packed, t.byteSize()).copyFrom(mapped.data().asSlice(0, t.byteSize())));
        CpuWeight w = t.dims() == 2 ? new CpuWeight(this, t, CpuWeights.matrix(t, repack, packed, pool), null)
                : new CpuWeight(this, t, null, CpuWeights.experts(t, repack, packed, pool));
        if (copied) {
            mapped.data().unload();
        } else if (CpuWeights.repacks(t, repack) && t.data().isMapped()) {
            // The packed copy is what the kernels read now: let the OS drop the file pages packing just pulled in,
            // so resident memory holds one copy of the weights, not two.
            t.data().unload();
        }
        return w;
    }

    @Override
    public boolean owns(Weight w) {
        return w instanceof CpuWeight c && c.owner() == this;
    }

    @Override
    public Activations activations(int tokens, int width) {
        return new CpuActivations(new float[Math.multiplyExact(tokens, width)], 0, tokens, width);
    }

    @Override
    public KvCache kvCache(int layers, int contextLength, int kvDim, GgmlType kType, GgmlType vType) {
        return new CpuKvCache(layers, contextLength, kvDim, kType, vType);
    }

    @Override
    public void embed(Weight table, int[] tokens, Activations out) {
        CpuActivations o = CpuActivations.of(out);
        Tensor t = table.tensor();
        var codec = QuantCodecs.of(t.type(), t.name());
        for (int i = 0; i < tokens.length; i++) {
            codec.dequantize(t.data(), t.rowOffset(tokens[i]), o.data, o.at(i), o.width);
        }
    }

    @Override
    public void rmsNorm(Activations x, Weight gamma, float eps, Activations out) {
        CpuActivations a = CpuActivations.of(x), o = CpuActivations.of(out);
        float[] g = QuantCodecs.dequantizeRow(gamma.tensor(), 0);
        for (int t = 0; t < a.tokens; t++) CpuOps.rmsNorm(a.data, a.at(t), g, eps, o.data, o.at(t), a.width);
    }

    private final MoeScratch moeScratch = new MoeScratch();

    /** The MoE layer's reused working memory (one MoE at a time runs on a backend). */
    MoeScratch moeScratch() {
        return moeScratch;
    }

    /** A new batch of products on this backend's pool. */
    ProductBatch batch() {
        return new ProductBatch(pool);
    }

    /** The activation scratch for inputs of {@code width}, holding {@code x}'s rows. */
    QuantizedActivations quantized(CpuActivations x) {
        QuantizedActivations q = scratch.get(x.width);
        if (q == null || q.maxTokens() < x.tokens) {
            q = new QuantizedActivations(x.width, Math.max(x.tokens, q == null ? 1 : q.maxTokens()));
            scratch.put(x.width, q);
        }
        q.set(x.data, x.at(0), x.width, x.tokens);
        return q;
    }

    @Override
    public void matmul(Weight w, Activations x, Activations out) {
        matmulShared(new Weight[] {w}, x, new Activations[] {out});
    }

    @Override
    public void matmulShared(Weight[] ws, Activations x, Activations[] outs) {
        CpuActivations a = CpuActivations.of(x);
        QuantizedActivations q = quantized(a);
        ProductBatch batch = new ProductBatch(pool);
        for (int i = 0; i < ws.length; i++) {
            WeightMatrix m = CpuWeight.of(ws[i]).matrix();
            CpuActivations o = CpuActivations.of(outs[i]);
            if (m.rowLength() != a.width || m.rows() != o.width || o.tokens != a.tokens) {
                throw new IllegalArgumentException("matmul shape mismatch: " + ws[i].tensor() + " with x " + a.tokens + "×"
                        + a.width + " → " + o.tokens + "×" + o.width);
            }
            batch.add(m, q, o.data, o.at(0), o.width, ws[i].tensor().rowBytes());
        }
        batch.run();
    }

    @Override
    public void ropeThenNorm(Activations x, int headDim, int startPos, double ropeBase, Weight gamma, float eps) {
        CpuActivations a = CpuActivations.of(x);
        float[] g = QuantCodecs.dequantizeRow(gamma.tensor(), 0);
        int heads = a.width / headDim;
        Rope rope = Rope.of(headDim, ropeBase);
        for (int t = 0; t < a.tokens; t++) {
            for (int h = 0; h < heads; h++) {
                int at = a.at(t) + h * headDim;
                rope.apply(a.data, at, startPos + t);
                CpuOps.rmsNorm(a.data, at, g, eps, a.data, at, headDim);
            }
        }
    }

    @Override
    public void attention(Activations q, Activations k, Activations v, KvCache cache, int layer, int startPos, int headDim,
            Activations out) {
        CpuAttention.run(pool, CpuActivations.of(q), CpuActivations.of(k), CpuActivations.of(v), (CpuKvCache) cache, layer,
                startPos, headDim, CpuActivations.of(out));
    }

    @Override
    public void moe(Activations x, MoeWeights w, ExpertSelection selection, Activations acc) {
        CpuActivations a = CpuActivations.of(x);
        CpuWeight router = CpuWeight.of(w.router());
        int experts = router.matrix().rows();
        float[] logits = new float[a.tokens * experts];
        matmul(router, a, new CpuActivations(logits, 0, a.tokens, experts));
        ExpertRouting routing = ExpertRouting.fromLogits(logits, a.tokens, experts, selection);
        CpuMoe.run(this, a, new CpuMoe.Shared(w.gateShared(), w.upShared(), w.downShared()),
                routing, new CpuMoe.Routed(w.gateExps(), w.upExps(), w.downExps()), CpuActivations.of(acc));
    }

    @Override
    public void ffn(Activations x, Weight gate, Weight up, Weight down, Activations acc) {
        CpuMoe.run(this, CpuActivations.of(x), new CpuMoe.Shared(gate, up, down), null, null, CpuActivations.of(acc));
    }

    @Override
    public void routedExperts(Activations x, ExpertRouting routing, Weight gateExps, Weight upExps, Weight downExps,
            Activations acc) {
        CpuMoe.run(this, CpuActivations.of(x), null, routing, new CpuMoe.Routed(gateExps, upExps, downExps), CpuActivations.of(acc));
    }

    @Override
    public void add(Activations acc, Activations x) {
        CpuActivations a = CpuActivations.of(acc), b = CpuActivations.of(x);
        int n = a.tokens * a.width;
        for (int i = 0; i < n; i++) a.data[a.at(0) + i] += b.data[b.at(0) + i];
    }

    @Override
    public void read(Activations a, int row, float[] dst) {
        CpuActivations c = CpuActivations.of(a);
        System.arraycopy(c.data, c.at(row), dst, 0, c.width);
    }

    @Override
    public void read(Activations a, float[] dst) {
        CpuActivations c = CpuActivations.of(a);
        System.arraycopy(c.data, c.at(0), dst, 0, c.tokens * c.width);
    }

    @Override
    public void write(Activations a, float[] src) {
        CpuActivations c = CpuActivations.of(a);
        System.arraycopy(src, 0, c.data, c.at(0), c.tokens * c.width);
    }

    @Override
    public void close() {
        if (ownsPool) pool.close();
        packed.close();
    }
}
