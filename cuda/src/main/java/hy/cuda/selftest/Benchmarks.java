package hy.cuda.selftest;

import hy.cuda.backend.CudaBackend;
import hy.cuda.backend.CudaStepGraph;
import hy.cuda.kernels.KvFormat;
import hy.cuda.kernels.WeightFormat;
import hy.runtime.backend.Activations;
import hy.runtime.backend.ExpertSelection;
import hy.runtime.backend.KvCache;
import hy.runtime.backend.MoeWeights;
import hy.runtime.backend.Weight;
import hy.runtime.model.HunyuanConfig;
import hy.runtime.tensor.GgmlType;
import hy.runtime.tensor.Tensor;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Consumer;

/**
 * GPU timings at Hunyuan-A13B's real shapes with random weights (no CPU reference): products per weight format (GB/s
 * of weights for decode, TFLOP/s for prompts), attention over a 4K cache, the MoE FFN, and one whole layer's decode
 * step issued op by op and replayed from a graph, scaled to 32 layers as a tokens/s estimate; and the copy of one
 * layer's experts into expert staging.
 */
public final class Benchmarks {
    private static final HunyuanConfig A13B = HunyuanConfig.A13B;
    private final CudaBackend gpu;
    private final Random rng;
    private final Consumer<String> progress;

    public Benchmarks(CudaBackend gpu, long seed, Consumer<String> progress) {
        this.gpu = gpu;
        this.rng = new Random(seed);
        this.progress = progress;
    }

    public List<OpResult> all() {
        List<OpResult> r = new ArrayList<>();
        for (WeightFormat f : new WeightFormat[] {WeightFormat.Q4_0, WeightFormat.Q4_K, WeightFormat.Q6_K, WeightFormat.Q8_0,
                WeightFormat.IQ4_XS, WeightFormat.F16, WeightFormat.BF16}) {
            r.add(product(f, 4096, 4096, 1));
        }
        r.add(product(WeightFormat.Q4_0, 4096, 4096, 8));
        for (WeightFormat f : new WeightFormat[] {WeightFormat.Q4_0, WeightFormat.Q8_0, WeightFormat.F16}) r.add(product(f, 4096, 4096, 512));
        for (KvFormat kv : new KvFormat[] {KvFormat.F16, KvFormat.Q8_0}) {
            r.add(attentionDecode(kv, 4096));
            r.add(attentionPrefill(kv, 512));
        }
        r.addAll(layer(WeightFormat.Q4_0, 4096));
        r.add(staging(WeightFormat.Q4_0));
        return r;
    }

    /**
     * One A13B layer's routed experts (gate, up, down) copied from host memory into a staging slot, as the hybrid
     * executor streams them on big batches: the host's copy into pinned memory and the bus together, in GB/s.
     */
    public OpResult staging(WeightFormat f) {
        String detail = "A13B " + f.suffix() + " one layer's experts host→slot";
        List<OpResult> err = new ArrayList<>();
        OpResult ok = guarded("bench", detail, err, () -> {
            try (Arena arena = Arena.ofShared()) {
                int h = A13B.hiddenSize(), ff = A13B.expertFf(), e = A13B.experts();
                List<Tensor> t = List.of(RandomBlocks.tensor(arena, "gate_exps", f.type, h, ff, e, rng.nextLong()),
                        RandomBlocks.tensor(arena, "up_exps", f.type, h, ff, e, rng.nextLong()),
                        RandomBlocks.tensor(arena, "down_exps", f.type, ff, h, e, rng.nextLong()));
                long bytes = t.stream().mapToLong(Tensor::byteSize).sum();
                double ms = Timing.medianMillis(gpu, () -> {
                    var staged = gpu.stage(0, t);
                    staged.awaitOnDevice(); // the main queue's synchronisation then covers the copy
                    staged.release();
                }, 1, 5);
                return OpResult.timing("staging", detail, ms, Timing.gbps(bytes, ms));
            }
        });
        return ok != null ? ok : err.getFirst();
    }

    private <T> T guarded(String op, String detail, List<OpResult> sink, java.util.function.Supplier<T> body) {
        try {
            progress.accept(op + " " + detail);
            return body.get();
        } catch (RuntimeException | Error e) {
            sink.add(OpResult.failed(op, detail, e));
            return null;
        }
    }

    public OpResult product(WeightFormat f, int rows, int rowLength, int tokens) {
        String detail = f.suffix() + " " + rows + "×" + rowLength + " n=" + tokens;
        List<OpResult> err = new ArrayList<>();
        OpResult ok = guarded("bench", detail, err, () -> {
            try (Arena arena = Arena.ofConfined()) {
                Tensor t = RandomBlocks.tensor(arena, "w", f.type, rowLength, rows, 1, rng.nextLong());
                Weight w = gpu.weight(t);
                Activations x = input(tokens, rowLength), y = gpu.activations(tokens, rows);
                double ms = Timing.medianMillis(gpu, () -> gpu.matmul(w, x, y), 5, 20);
                gpu.release(w);
                gpu.release(x);
                gpu.release(y);
                String tp = tokens <= 8 ? Timing.gbps(t.byteSize(), ms) : Timing.tflops(2.0 * rows * rowLength * tokens, ms);
                return OpResult.timing("matmul", detail, ms, tp);
            }
        });
        return ok != null ? ok : err.getFirst();
    }

    private Activations input(int tokens, int width) {
        Activations a = gpu.activations(tokens, width);
        float[] v = new float[tokens * width];
        for (int i = 0; i < v.length; i++) v[i] = (float) rng.nextGaussian();
        gpu.write(a, v);
        return a;
    }

    /** One token attending to {@code positions} cached positions (32 query heads, 8 KV heads of 128). */
    public OpResult attentionDecode(KvFormat kv, int positions) {
        String detail = kv.suffix() + " 32/8×128 n=1 @" + positions;
        List<OpResult> err = new ArrayList<>();
        OpResult ok = guarded("bench", detail, err, () -> {
            int qDim = A13B.qDim(), kvDim = A13B.kvDim();
            try (KvCache cache = gpu.kvCache(1, positions + 1, kvDim, kv.type, kv.type)) {
                Activations q = input(1, qDim), k = input(1, kvDim), v = input(1, kvDim), o = gpu.activations(1, qDim);
                double ms = Timing.medianMillis(gpu, () -> gpu.attention(q, k, v, cache, 0, positions, A13B.headDim(), o), 5, 50);
                for (Activations a : new Activations[] {q, k, v, o}) gpu.release(a);
                return OpResult.timing("attention", detail, ms, Timing.gbps(2.0 * positions * kv.rowBytes(kvDim), ms));
            }
        });
        return ok != null ? ok : err.getFirst();
    }

    public OpResult attentionPrefill(KvFormat kv, int tokens) {
        String detail = kv.suffix() + " 32/8×128 n=" + tokens + " @0";
        List<OpResult> err = new ArrayList<>();
        OpResult ok = guarded("bench", detail, err, () -> {
            int qDim = A13B.qDim(), kvDim = A13B.kvDim();
            try (KvCache cache = gpu.kvCache(1, tokens, kvDim, kv.type, kv.type)) {
                Activations q = input(tokens, qDim), k = input(tokens, kvDim), v = input(tokens, kvDim), o = gpu.activations(tokens, qDim);
                double ms = Timing.medianMillis(gpu, () -> gpu.attention(q, k, v, cache, 0, 0, A13B.headDim(), o), 3, 10);
                for (Activations a : new Activations[] {q, k, v, o}) gpu.release(a);
                double flop = 4.0 * A13B.heads() * A13B.headDim() * tokens * (tokens + 1) / 2.0;
                return OpResult.timing("attention", detail, ms, Timing.tflops(flop, ms));
            }
        });
        return ok != null ? ok : err.getFirst();
    }

    /**
     * One A13B layer with random {@code f} weights: the MoE FFN for 1 and 512 tokens, and the whole decode step at
     * position {@code pos} op by op and as a replayed graph.
     */
    public List<OpResult> layer(WeightFormat f, int pos) {
        List<OpResult> out = new ArrayList<>();
        String base = "A13B " + f.suffix();
        guarded("bench", base + " layer", out, () -> {
            try (Arena arena = Arena.ofConfined(); Layer l = new Layer(arena, f, pos)) {
                out.add(l.moe(1));
                out.add(l.moe(512));
                double direct = Timing.medianMillis(gpu, () -> l.step(pos), 3, 20);
                out.add(OpResult.timing("layer", base + " decode @" + pos, direct, tokensPerSecond(direct)));
                try (CudaStepGraph g = gpu.captureStep(1, () -> l.step(pos))) {
                    int[] token = {0};
                    double graphed = Timing.medianMillis(gpu, () -> g.launch(token, pos), 3, 20);
                    out.add(OpResult.timing("layer", base + " decode @" + pos + " graph", graphed, tokensPerSecond(graphed)));
                }
            }
            return null;
        });
        return out;
    }

    private static String tokensPerSecond(double layerMs) {
        return String.format(Locale.ROOT, "≈%.0f tok/s·32L", 1000.0 / (layerMs * A13B.layers()));
    }

    /** The weights, buffers and cache of one A13B layer on the GPU. */
    private final class Layer implements AutoCloseable {
        final List<Weight> weights = new ArrayList<>();
        final Weight attnNorm, wq, wk, wv, wo, qNorm, kNorm, ffnNorm;
        final MoeWeights moe;
        final Activations x, norm, q, k, v, attn, proj;
        final KvCache cache;

        Layer(Arena arena, WeightFormat f, int pos) {
            int h = A13B.hiddenSize(), ff = A13B.expertFf(), e = A13B.experts();
            TestTensors t = new TestTensors(arena, rng);
            attnNorm = up(t.vector("attn_norm", h, 1f, 0.1f));
            qNorm = up(t.vector("q_norm", A13B.headDim(), 1f, 0.1f));
            kNorm = up(t.vector("k_norm", A13B.headDim(), 1f, 0.1f));
            ffnNorm = up(t.vector("ffn_norm", h, 1f, 0.1f));
            wq = up(RandomBlocks.tensor(arena, "wq", f.type, h, A13B.qDim(), 1, rng.nextLong()));
            wk = up(RandomBlocks.tensor(arena, "wk", f.type, h, A13B.kvDim(), 1, rng.nextLong()));
            wv = up(RandomBlocks.tensor(arena, "wv", f.type, h, A13B.kvDim(), 1, rng.nextLong()));
            wo = up(RandomBlocks.tensor(arena, "wo", f.type, A13B.qDim(), h, 1, rng.nextLong()));
            moe = new MoeWeights(up(RandomBlocks.tensor(arena, "router", GgmlType.F32, h, e, 1, rng.nextLong())),
                    up(RandomBlocks.tensor(arena, "gate_exps", f.type, h, ff, e, rng.nextLong())),
                    up(RandomBlocks.tensor(arena, "up_exps", f.type, h, ff, e, rng.nextLong())),
                    up(RandomBlocks.tensor(arena, "down_exps", f.type, ff, h, e, rng.nextLong())),
                    up(RandomBlocks.tensor(arena, "gate_shexp", f.type, h, A13B.sharedFf(), 1, rng.nextLong())),
                    up(RandomBlocks.tensor(arena, "up_shexp", f.type, h, A13B.sharedFf(), 1, rng.nextLong())),
                    up(RandomBlocks.tensor(arena, "down_shexp", f.type, A13B.sharedFf(), h, 1, rng.nextLong())));
            x = input(1, h);
            norm = gpu.activations(1, h);
            q = gpu.activations(1, A13B.qDim());
            k = gpu.activations(1, A13B.kvDim());
            v = gpu.activations(1, A13B.kvDim());
            attn = gpu.activations(1, A13B.qDim());
            proj = gpu.activations(1, h);
            cache = gpu.kvCache(1, pos + 1, A13B.kvDim(), GgmlType.F16, GgmlType.F16);
        }

        private Weight up(Tensor t) {
            Weight w = gpu.weight(t);
            weights.add(w);
            return w;
        }

        void step(int pos) {
            float eps = A13B.rmsEps();
            gpu.rmsNorm(x, attnNorm, eps, norm);
            gpu.matmul(wq, norm, q);
            gpu.matmul(wk, norm, k);
            gpu.matmul(wv, norm, v);
            gpu.ropeThenNorm(q, A13B.headDim(), pos, A13B.ropeBase(), qNorm, eps);
            gpu.ropeThenNorm(k, A13B.headDim(), pos, A13B.ropeBase(), kNorm, eps);
            gpu.attention(q, k, v, cache, 0, pos, A13B.headDim(), attn);
            gpu.matmul(wo, attn, proj);
            gpu.add(x, proj);
            gpu.rmsNorm(x, ffnNorm, eps, norm);
            gpu.moe(norm, moe, ExpertSelection.topK(A13B.expertsUsed()), x);
        }

        OpResult moe(int tokens) {
            Activations in = input(tokens, A13B.hiddenSize()), acc = input(tokens, A13B.hiddenSize());
            ExpertSelection sel = ExpertSelection.topK(A13B.expertsUsed());
            double ms = Timing.medianMillis(gpu, () -> gpu.moe(in, moe, sel, acc), 3, 10);
            gpu.release(in);
            gpu.release(acc);
            long expert = moe.gateExps().tensor().byteSize() / A13B.experts();
            double bytes = tokens == 1 ? 3.0 * expert * (A13B.expertsUsed() + 1) : 0;
            double flop = 2.0 * 3 * A13B.hiddenSize() * A13B.expertFf() * (A13B.expertsUsed() + 1) * tokens;
            String tp = tokens == 1 ? Timing.gbps(bytes, ms) : Timing.tflops(flop, ms);
            return OpResult.timing("moe", "A13B " + moe.gateExps().tensor().type().name().toLowerCase(Locale.ROOT) + " n=" + tokens, ms, tp);
        }

        @Override
        public void close() {
            cache.close();
            for (Weight w : weights) gpu.release(w);
            for (Activations a : new Activations[] {x, norm, q, k, v, attn, proj}) gpu.release(a);
        }
    }
}
