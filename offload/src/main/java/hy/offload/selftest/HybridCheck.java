package hy.offload.selftest;

import hy.cuda.CudaProbe;
import hy.cuda.backend.CudaBackend;
import hy.cuda.selftest.TinyModelCheck;
import hy.cuda.selftest.Weights;
import hy.offload.AutoPlacement;
import hy.offload.Device;
import hy.offload.ModelInventory;
import hy.offload.PlacementPlan;
import hy.offload.PlacementRequest;
import hy.offload.PlacementRule;
import hy.offload.TensorGroup;
import hy.offload.exec.Execution;
import hy.offload.exec.HybridBackend;
import hy.runtime.cpu.backend.CpuBackend;
import hy.runtime.engine.Session;
import hy.runtime.gguf.GgufFile;
import hy.runtime.model.HunyuanConfig;
import hy.runtime.model.HunyuanModel;
import hy.runtime.model.LogitsMode;
import hy.runtime.model.ModelWeights;
import hy.runtime.tensor.GgmlType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The hybrid executor on a real CUDA backend against the CPU alone, for the placements users run: full GPU,
 * {@code -ngl 99 -ot exps=CPU}, {@code --n-cpu-moe 1}, {@code --auto} under a budget too small for everything, and
 * the expert-offload placement with big-batch streaming on (the prompt streams its experts through GPU staging). Each
 * compares the prompt's logits (top-1 at every position, largest difference) and a greedy continuation through the
 * KV cache. Used by the GPU self-test (scripts/gpu-selftest) and, on the kernel emulator, by the default test suite.
 */
public final class HybridCheck {
    private HybridCheck() {}

    /** One placement's result. */
    public record Report(String flags, String runner, int positions, int top1Same, double maxDiff, double maxAbs, int greedyLength,
            int greedySame, long layersStaged, String failure) {
        public boolean passed(double relativeBound) {
            return failure == null && top1Same == positions && maxDiff <= relativeBound * maxAbs && greedySame == greedyLength;
        }

        public String line() {
            if (failure != null) return String.format(Locale.ROOT, "%-46s ERROR %s", flags, failure);
            return String.format(Locale.ROOT, "%-46s %-9s top-1 %d/%d, max |Δlogit| %.2e of %.2e, greedy %d/%d same%s", flags, runner,
                    top1Same, positions, maxDiff, maxAbs, greedySame, greedyLength,
                    layersStaged > 0 ? ", " + layersStaged + " layer copies staged" : "");
        }
    }

    /** The placements checked, as requests for a model described by {@code inventory}. */
    public static List<PlacementRequest> placements(ModelInventory inventory, int context, int ubatch, GgmlType kv) {
        PlacementRequest base = PlacementRequest.defaults(context, 1L << 40).withUbatch(ubatch).withCacheTypes(kv, kv).withOpOffload(false);
        PlacementRequest all = base.withGpuLayers(PlacementRequest.ALL_LAYERS);
        PlacementRequest expertsOnCpu = all.withUserRules(List.of(PlacementRule.parse("exps=CPU")));
        // --auto with a budget that holds everything but half of one layer's routed experts: a mixed placement.
        PlacementPlan full = PlacementPlan.of(inventory, all);
        long layerExperts = full.bytes(Device.CUDA0, TensorGroup.ROUTED_EXPERTS) / inventory.config().layers();
        PlacementRequest auto = AutoPlacement.choose(inventory, base.withGpuBudget(full.total(Device.CUDA0) - layerExperts / 2));
        int streamFrom = Math.max(1, ubatch / 4);
        return List.of(all, expertsOnCpu, all.withCpuMoe(false, 1), auto, expertsOnCpu.withOpOffload(true).withOpOffloadMinBatch(streamFrom));
    }

    /**
     * Runs every placement of {@link #placements} on {@code gpu} and the CPU and compares them with a CPU-only run.
     *
     * @param gpu one CUDA backend, used by every placement in turn (its weights are released after each)
     */
    public static List<Report> run(Path gguf, CudaBackend gpu, GgmlType kv, int promptLength, int greedyLength, long seed) throws Exception {
        List<Report> out = new ArrayList<>();
        try (GgufFile f = GgufFile.open(gguf)) {
            HunyuanConfig cfg = HunyuanConfig.fromGguf(f);
            int ctx = promptLength + greedyLength + 1, ubatch = Math.max(8, promptLength);
            int[] prompt = new Random(seed).ints(promptLength, 0, cfg.vocabSize()).toArray();
            CpuBackend reference = CpuBackend.floatReference(Runtime.getRuntime().availableProcessors());
            Outcome expected = outcome(new HunyuanModel(cfg, reference, ModelWeights.load(cfg, f::tensorOrNull, n -> reference), ubatch),
                    prompt, ctx, kv, greedyLength);
            ModelInventory inventory = ModelInventory.of(f);
            for (PlacementRequest r : placements(inventory, ctx, ubatch, kv)) {
                String flags = PlacementRequest.shellJoin(r.flags(cfg.layers()));
                PlacementPlan plan = PlacementPlan.of(inventory, r);
                Execution ex = Execution.of(plan, reference, gpu);
                ModelWeights w = null;
                try {
                    w = ModelWeights.load(cfg, f::tensorOrNull, ex.backendFor());
                    Outcome got = outcome(new HunyuanModel(cfg, ex.runner(), w, ubatch), prompt, ctx, kv, greedyLength);
                    long staged = ex.runner() instanceof HybridBackend h ? h.layersStaged() : 0;
                    out.add(compare(flags, ex.runner().name(), expected, got, cfg.vocabSize(), staged));
                } catch (RuntimeException e) {
                    out.add(new Report(flags, "", promptLength, 0, 0, 0, greedyLength, 0, 0, e.getClass().getSimpleName() + ": " + e.getMessage()));
                } finally {
                    if (w != null) Weights.release(gpu, w);
                }
            }
            reference.close();
        }
        return out;
    }

    private record Outcome(float[] logits, int[] greedy) {}

    private static Outcome outcome(HunyuanModel m, int[] prompt, int ctx, GgmlType kv, int n) {
        try (Session s = new Session(m, ctx, kv, kv)) {
            float[] logits = s.evaluate(prompt, LogitsMode.ALL);
            int vocab = m.config().vocabSize();
            int[] tokens = new int[n];
            float[] l = s.logits();
            for (int i = 0; i < n; i++) {
                tokens[i] = argmax(l, 0, vocab);
                if (i + 1 < n) l = s.append(tokens[i]);
            }
            return new Outcome(logits, tokens);
        }
    }

    private static Report compare(String flags, String runner, Outcome expected, Outcome got, int vocab, long staged) {
        int positions = expected.logits.length / vocab, same = 0;
        double maxDiff = 0, maxAbs = 0;
        for (int p = 0; p < positions; p++) {
            if (argmax(expected.logits, p * vocab, vocab) == argmax(got.logits, p * vocab, vocab)) same++;
        }
        for (int i = 0; i < expected.logits.length; i++) {
            maxAbs = Math.max(maxAbs, Math.abs(expected.logits[i]));
            maxDiff = Math.max(maxDiff, Math.abs(expected.logits[i] - got.logits[i]));
        }
        int greedySame = 0;
        while (greedySame < expected.greedy.length && expected.greedy[greedySame] == got.greedy[greedySame]) greedySame++;
        return new Report(flags, runner, positions, same, maxDiff, maxAbs, expected.greedy.length, greedySame, staged, null);
    }

    /**
     * The GPU machine's check (run by scripts/gpu-selftest after the kernel checks): a synthetic F32 model with
     * head size 64, every placement against the CPU; exits 0 when all agree, 1 when one does not, 2 without a GPU.
     */
    public static void main(String[] args) throws Exception {
        long seed = args.length == 2 && args[0].equals("--seed") ? Long.parseLong(args[1]) : System.nanoTime();
        CudaProbe.Result probe = CudaProbe.probe();
        if (!probe.available()) {
            System.out.println("no usable CUDA device: " + probe.reason());
            System.exit(2);
        }
        System.out.println("hybrid placements against the CPU (synthetic F32, hidden 256, 2 layers, 16 experts top-4), seed " + seed);
        Path dir = Files.createTempDirectory("hy-hybrid-check");
        int failed = 0;
        try (CudaBackend gpu = CudaBackend.open(CudaBackend.Options.defaults().withLog(m -> System.out.println("  " + m)))) {
            Path gguf = TinyModelCheck.synthesize(dir, TinyModelCheck.TINY, GgmlType.F32, seed);
            for (Report r : run(gguf, gpu, GgmlType.F32, 40, 64, seed)) {
                boolean ok = r.passed(1e-4);
                System.out.println("  " + r.line() + (ok ? "  ok" : "  FAIL"));
                if (!ok) failed++;
            }
            Files.deleteIfExists(gguf);
        } finally {
            Files.deleteIfExists(dir);
        }
        System.out.println(failed == 0 ? "hybrid: all placements agree with the CPU" : "hybrid: " + failed + " placements FAILED");
        System.exit(failed == 0 ? 0 : 1);
    }

    static int argmax(float[] v, int at, int n) {
        int b = 0;
        for (int i = 1; i < n; i++) if (v[at + i] > v[at + b]) b = i;
        return b;
    }
}
