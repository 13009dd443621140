package hy.cuda.selftest;

import hy.cuda.backend.CudaBackend;
import hy.cuda.kernels.AttentionLauncher;
import hy.cuda.kernels.KvFormat;
import hy.cuda.kernels.LinearLauncher;
import hy.cuda.kernels.WeightFormat;
import hy.runtime.backend.Activations;
import hy.runtime.backend.Backend;
import hy.runtime.backend.ExpertSelection;
import hy.runtime.backend.KvCache;
import hy.runtime.backend.MoeWeights;
import hy.runtime.backend.Weight;
import hy.runtime.backend.WeightStaging.Staged;
import hy.runtime.cpu.backend.CpuBackend;
import hy.runtime.model.HunyuanConfig;
import hy.runtime.tensor.GgmlType;
import hy.runtime.tensor.Tensor;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Every CUDA op against the CPU backend on fresh random inputs: same inputs on both sides, GPU outputs poisoned with
 * NaN first, error judged by the {@link Precision} of the kernel path the batch takes. Each method returns one
 * {@link OpResult} per comparison; an exception becomes a failed result instead of stopping the run.
 */
public final class OpChecks {
    private final CpuBackend cpu = CpuBackend.floatReference(Runtime.getRuntime().availableProcessors());
    private final CudaBackend gpu;
    private final Random seeds;
    private final boolean timed;

    public OpChecks(CudaBackend gpu, long seed) {
        this(gpu, seed, true);
    }

    /** @param timed also time ops that have a throughput to report (off where the device is an emulator) */
    public OpChecks(CudaBackend gpu, long seed, boolean timed) {
        this.gpu = gpu;
        this.seeds = new Random(seed);
        this.timed = timed;
    }

    /** One check's memory and random numbers; closing it frees the GPU buffers it made. */
    private final class Case implements AutoCloseable {
        final Arena arena = Arena.ofShared(); // the CPU backend reads weights from its worker threads
        final TestTensors t = new TestTensors(arena, new Random(seeds.nextLong()));
        private final List<Weight> weights = new ArrayList<>();
        private final List<Activations> activations = new ArrayList<>();

        Weight[] weight(Tensor tensor) {
            Weight g = gpu.weight(tensor);
            weights.add(g);
            return new Weight[] {cpu.weight(tensor), g};
        }

        Activations[] activations(int tokens, int width) {
            Activations g = gpu.activations(tokens, width);
            activations.add(g);
            return new Activations[] {cpu.activations(tokens, width), g};
        }

        /** Writes the same values into both sides' activations. */
        void set(Activations[] a, float[] values) {
            Inputs.write(cpu, a[0], values, arena);
            Inputs.write(gpu, a[1], values, arena);
        }

        Activations[] input(int tokens, int width, float scale) {
            Activations[] a = activations(tokens, width);
            set(a, t.values(tokens * width, scale));
            return a;
        }

        ErrorStats compare(Activations[] a) {
            return ErrorStats.of(Inputs.read(gpu, a[1]), Inputs.read(cpu, a[0]));
        }

        @Override
        public void close() {
            for (Weight w : weights) gpu.release(w);
            for (Activations a : activations) gpu.release(a);
            arena.close();
        }
    }

    private interface Body {
        OpResult run(Case c);
    }

    private OpResult guarded(String op, String detail, Body body) {
        try (Case c = new Case()) {
            return body.run(c);
        } catch (RuntimeException | Error e) {
            return OpResult.failed(op, detail, e);
        }
    }

    private double time(Runnable op) {
        return timed ? Timing.medianMillis(gpu, op, 3, 10) : Double.NaN;
    }

    // ---- the checks -----------------------------------------------------------------------------------------------

    public OpResult embed(WeightFormat f) {
        String detail = f.suffix() + " 300×512, 7 ids";
        return guarded("embed", detail, c -> {
            Weight[] table = c.weight(c.t.matrix("token_embd", f.type, 512, 300, 1));
            int[] ids = {0, 299, 17, 17, 150, 3, 298};
            Activations[] out = c.activations(ids.length, 512);
            cpu.embed(table[0], ids, out[0]);
            gpu.poison(out[1]);
            gpu.embed(table[1], ids, out[1]);
            return new OpResult("embed", detail, c.compare(out), Precision.EXACT, Double.NaN, "", null);
        });
    }

    public OpResult rmsNorm(int width, int tokens) {
        String detail = tokens + "×" + width;
        return guarded("rmsnorm", detail, c -> {
            Weight[] gamma = c.weight(c.t.vector("norm", width, 1f, 0.1f));
            Activations[] x = c.input(tokens, width, 3f), out = c.activations(tokens, width);
            cpu.rmsNorm(x[0], gamma[0], 1e-5f, out[0]);
            gpu.poison(out[1]);
            gpu.rmsNorm(x[1], gamma[1], 1e-5f, out[1]);
            ErrorStats e = c.compare(out);
            double ms = time(() -> gpu.rmsNorm(x[1], gamma[1], 1e-5f, out[1]));
            return new OpResult("rmsnorm", detail, e, Precision.FLOAT32, ms, timed ? Timing.gbps(8L * tokens * width, ms) : "", null);
        });
    }

    public OpResult ropeNorm(int heads, int headDim, int tokens, int startPos) {
        String detail = heads + "×" + headDim + " n=" + tokens + " @" + startPos;
        double base = HunyuanConfig.A13B.ropeBase();
        return guarded("rope+norm", detail, c -> {
            Weight[] gamma = c.weight(c.t.vector("q_norm", headDim, 1f, 0.1f));
            Activations[] x = c.input(tokens, heads * headDim, 1f);
            cpu.ropeThenNorm(x[0], headDim, startPos, base, gamma[0], 1e-5f);
            gpu.ropeThenNorm(x[1], headDim, startPos, base, gamma[1], 1e-5f);
            return new OpResult("rope+norm", detail, c.compare(x), Precision.FLOAT32, Double.NaN, "", null);
        });
    }

    public OpResult add(int tokens, int width) {
        String detail = tokens + "×" + width;
        return guarded("add", detail, c -> {
            Activations[] acc = c.input(tokens, width, 1f), x = c.input(tokens, width, 1f);
            cpu.add(acc[0], x[0]);
            gpu.add(acc[1], x[1]);
            return new OpResult("add", detail, c.compare(acc), Precision.EXACT, Double.NaN, "", null);
        });
    }

    /** y = W x for a rows × rowLength weight and a batch of {@code tokens}. */
    public OpResult matmul(WeightFormat f, int rows, int rowLength, int tokens) {
        boolean matvec = LinearLauncher.usesMatvec(f, tokens);
        String detail = f.suffix() + " " + rows + "×" + rowLength + " n=" + tokens + (matvec ? " (matvec)" : " (mma)");
        return guarded("matmul", detail, c -> {
            Tensor wt = c.t.matrix("w", f.type, rowLength, rows, 1);
            Weight[] w = c.weight(wt);
            Activations[] x = c.input(tokens, rowLength, 1f), y = c.activations(tokens, rows);
            cpu.matmul(w[0], x[0], y[0]);
            gpu.poison(y[1]);
            gpu.matmul(w[1], x[1], y[1]);
            ErrorStats e = c.compare(y);
            double ms = time(() -> gpu.matmul(w[1], x[1], y[1]));
            String tp = !timed ? "" : matvec ? Timing.gbps(wt.byteSize(), ms) : Timing.tflops(2.0 * rows * rowLength * tokens, ms);
            return new OpResult("matmul", detail, e, matvec ? Precision.FLOAT32 : Precision.TENSOR_CORE_F16, ms, tp, null);
        });
    }

    /**
     * Attention over a growing cache: one comparison per batch of {@code batches} (e.g. a prompt, then single decode
     * steps, then another chunk), so that each batch reads what the earlier ones stored.
     */
    public List<OpResult> attention(KvFormat kv, int heads, int kvHeads, int headDim, int[] batches) {
        List<OpResult> out = new ArrayList<>();
        String shape = kv.suffix() + " " + heads + "/" + kvHeads + "×" + headDim;
        try (Case c = new Case()) {
            int ctx = 0;
            for (int n : batches) ctx += n;
            int qDim = heads * headDim, kvDim = kvHeads * headDim;
            try (KvCache cc = cpu.kvCache(1, ctx, kvDim, kv.type, kv.type); KvCache gc = gpu.kvCache(1, ctx, kvDim, kv.type, kv.type)) {
                int pos = 0;
                for (int n : batches) {
                    boolean tc = AttentionLauncher.usesTensorCores(kv, headDim, n);
                    String detail = shape + " n=" + n + " @" + pos + (tc ? " (mma)" : " (split)");
                    Activations[] q = c.input(n, qDim, 1f), k = c.input(n, kvDim, 1f), v = c.input(n, kvDim, 1f);
                    Activations[] o = c.activations(n, qDim);
                    cpu.attention(q[0], k[0], v[0], cc, 0, pos, headDim, o[0]);
                    gpu.poison(o[1]);
                    gpu.attention(q[1], k[1], v[1], gc, 0, pos, headDim, o[1]);
                    out.add(new OpResult("attention", detail, c.compare(o), tc ? Precision.TENSOR_CORE_F16 : Precision.FLOAT32,
                            Double.NaN, "", null));
                    pos += n;
                }
            }
        } catch (RuntimeException | Error e) {
            out.add(OpResult.failed("attention", shape, e));
        }
        return out;
    }

    /** The MoE FFN (router F32, experts and shared expert in {@code f}) added into a random residual. */
    public OpResult moe(WeightFormat f, int tokens, ExpertSelection sel, int hidden, int ff, int experts) {
        boolean matvec = LinearLauncher.usesMatvec(f, tokens);
        String detail = String.format(Locale.ROOT, "%s %d×(%d,%d) top%d%s n=%d%s", f.suffix(), experts, hidden, ff, sel.topK(),
                sel.reduces() ? " ser" : "", tokens, matvec ? "" : " (mma)");
        return guarded("moe", detail, c -> {
            MoeWeights[] w = moeWeights(c, f, hidden, ff, experts);
            Activations[] x = c.input(tokens, hidden, 1f), acc = c.input(tokens, hidden, 1f);
            cpu.moe(x[0], w[0], sel, acc[0]);
            gpu.moe(x[1], w[1], sel, acc[1]);
            return new OpResult("moe", detail, c.compare(acc), matvec ? Precision.FLOAT32 : Precision.TENSOR_CORE_F16, Double.NaN, "", null);
        });
    }

    /**
     * The MoE FFN with its routed experts in host memory, copied into the GPU's staging slots as the hybrid executor
     * streams them on big batches: three layers through two slots (the third overwrites the first), each used right
     * after its copy and released after its use. Returns the first layer that fails, else the last.
     */
    public OpResult stagedMoe(WeightFormat f, int tokens, int hidden, int ff, int experts) {
        String detail = String.format(Locale.ROOT, "%s %d×(%d,%d) top8 n=%d, 3 layers via 2 slots", f.suffix(), experts, hidden, ff, tokens);
        ExpertSelection sel = ExpertSelection.topK(8);
        return guarded("staged moe", detail, c -> {
            OpResult r = null;
            for (int layer = 0; layer < 3; layer++) {
                MoeWeights[] w = moeWeights(c, f, hidden, ff, experts);
                MoeWeights host = w[0];
                Staged staged = gpu.stage(layer % 2, List.of(host.gateExps().tensor(), host.upExps().tensor(), host.downExps().tensor()));
                List<Weight> e = staged.weights();
                MoeWeights device = new MoeWeights(w[1].router(), e.get(0), e.get(1), e.get(2), w[1].gateShared(), w[1].upShared(),
                        w[1].downShared());
                Activations[] x = c.input(tokens, hidden, 1f), acc = c.input(tokens, hidden, 1f);
                cpu.moe(x[0], host, sel, acc[0]);
                staged.awaitOnDevice();
                gpu.moe(x[1], device, sel, acc[1]);
                staged.release();
                boolean matvec = LinearLauncher.usesMatvec(f, tokens);
                r = new OpResult("staged moe", detail + " (layer " + layer + ")", c.compare(acc),
                        matvec ? Precision.FLOAT32 : Precision.TENSOR_CORE_F16, Double.NaN, "", null);
                if (!r.passed()) return r;
            }
            return r;
        });
    }

    private MoeWeights[] moeWeights(Case c, WeightFormat f, int hidden, int ff, int experts) {
        Weight[] router = c.weight(c.t.matrix("ffn_gate_inp", GgmlType.F32, hidden, experts, 1));
        Weight[] gate = c.weight(c.t.matrix("ffn_gate_exps", f.type, hidden, ff, experts));
        Weight[] up = c.weight(c.t.matrix("ffn_up_exps", f.type, hidden, ff, experts));
        Weight[] down = c.weight(c.t.matrix("ffn_down_exps", f.type, ff, hidden, experts));
        Weight[] gs = c.weight(c.t.matrix("ffn_gate_shexp", f.type, hidden, ff, 1));
        Weight[] us = c.weight(c.t.matrix("ffn_up_shexp", f.type, hidden, ff, 1));
        Weight[] ds = c.weight(c.t.matrix("ffn_down_shexp", f.type, ff, hidden, 1));
        MoeWeights[] w = new MoeWeights[2];
        for (int i = 0; i < 2; i++) w[i] = new MoeWeights(router[i], gate[i], up[i], down[i], gs[i], us[i], ds[i]);
        return w;
    }

    /** One planned comparison: the op it checks and how to run it. */
    public record Check(String op, Supplier<List<OpResult>> run) {
        static Check of(String op, Supplier<OpResult> one) {
            return new Check(op, () -> List.of(one.get()));
        }
    }

    /** The standard list: every op, every format, the batch sizes that switch kernels. Nothing runs until asked. */
    public List<Check> checks() {
        List<Check> r = new ArrayList<>();
        for (WeightFormat f : WeightFormat.values()) r.add(Check.of("embed", () -> embed(f)));
        r.add(Check.of("rmsnorm", () -> rmsNorm(4096, 5)));
        r.add(Check.of("rmsnorm", () -> rmsNorm(64, 3)));
        r.add(Check.of("rope", () -> ropeNorm(32, 128, 5, 0)));
        r.add(Check.of("rope", () -> ropeNorm(8, 128, 3, 200_000)));
        r.add(Check.of("rope", () -> ropeNorm(4, 16, 2, 77)));
        r.add(Check.of("add", () -> add(7, 4096)));
        for (WeightFormat f : WeightFormat.values()) {
            for (int n : new int[] {1, 3, 8, 9, 100}) r.add(Check.of("matmul", () -> matmul(f, 1000, 1024, n)));
        }
        r.add(Check.of("matmul", () -> matmul(WeightFormat.Q8_0, 4096, 4096, 64)));
        int[] batches = {100, 1, 1, 5, 70, 1};
        for (KvFormat kv : KvFormat.values()) {
            r.add(new Check("attention", () -> attention(kv, 32, 8, 128, batches)));
            r.add(new Check("attention", () -> attention(kv, 8, 2, 64, batches)));
            r.add(new Check("attention", () -> attention(kv, 4, 2, 16, batches)));
        }
        for (WeightFormat f : new WeightFormat[] {WeightFormat.F32, WeightFormat.Q8_0, WeightFormat.Q4_K, WeightFormat.F16}) {
            for (int n : new int[] {1, 5, 40}) r.add(Check.of("moe", () -> moe(f, n, ExpertSelection.topK(8), 512, 256, 64)));
        }
        r.add(Check.of("moe", () -> moe(WeightFormat.Q8_0, 5, new ExpertSelection(8, 2, 0.3f), 512, 256, 64)));
        r.add(Check.of("moe", () -> moe(WeightFormat.Q4_0, 300, ExpertSelection.topK(8), 512, 256, 64)));
        r.add(Check.of("staged moe", () -> stagedMoe(WeightFormat.Q4_0, 300, 512, 256, 64)));
        r.add(Check.of("staged moe", () -> stagedMoe(WeightFormat.Q8_0, 40, 512, 256, 64)));
        return r;
    }

    /** Runs every check of {@link #checks()}. */
    public List<OpResult> all() {
        List<OpResult> r = new ArrayList<>();
        for (Check c : checks()) r.addAll(c.run().get());
        return r;
    }
}
