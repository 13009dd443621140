package hy.cuda.selftest;

import hy.cuda.backend.CudaBackend;
import hy.runtime.backend.Backend;
import hy.runtime.convert.SyntheticModel;
import hy.runtime.convert.TypePlan;
import hy.runtime.cpu.backend.CpuBackend;
import hy.runtime.engine.Session;
import hy.runtime.gguf.GgufFile;
import hy.runtime.model.HunyuanConfig;
import hy.runtime.model.HunyuanModel;
import hy.runtime.model.LogitsMode;
import hy.runtime.model.ModelWeights;
import hy.runtime.tensor.GgmlType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

/**
 * A whole model on the GPU against the same model on the CPU: logits at every prompt position (top-1 and relative
 * error), a greedy continuation of 64 tokens through the KV cache, and the same continuation with the decode steps
 * replayed from a CUDA graph (HunyuanModel's step graphs), which must match the GPU's op-by-op result exactly.
 */
public final class TinyModelCheck {
    private TinyModelCheck() {}

    /** A small model with hf_tiny's proportions but sizes the tensor-core attention serves (head 64). */
    public static final HunyuanConfig TINY = new HunyuanConfig(1024, 256, 2, 8, 2, 64, 16, 4, 256, 256, 1e-5f,
            HunyuanConfig.ropeBase(10000.0, 1000.0, 64), 512);

    /** What a run found. */
    public record Report(String label, int positions, int top1Same, ErrorStats logits, int greedyLength, int greedySame,
            int graphSame, String failure) {
        public boolean passed(boolean exactGreedy, double logitBound) {
            return failure == null && top1Same == positions && logits.within(logitBound)
                    && (!exactGreedy || greedySame == greedyLength) && graphSame == greedyLength;
        }

        public String line() {
            if (failure != null) return String.format(Locale.ROOT, "%-28s ERROR %s", label, failure);
            return String.format(Locale.ROOT, "%-28s top-1 %d/%d, logits rel err %.2e (max |d| %.2e), greedy %d/%d same, graph %d/%d same",
                    label, top1Same, positions, logits.relL2(), logits.maxAbs(), greedySame, greedyLength, graphSame, greedyLength);
        }
    }

    /** Writes a random-weights GGUF of {@code cfg} in {@code type} into {@code dir}. */
    public static Path synthesize(Path dir, HunyuanConfig cfg, GgmlType type, long seed) throws IOException {
        Path p = dir.resolve("tiny-" + type.name().toLowerCase(Locale.ROOT) + ".gguf");
        SyntheticModel.write(p, cfg, TypePlan.of(type), seed);
        return p;
    }

    public static Report run(String label, Path gguf, CudaBackend gpu, GgmlType kvType, int promptLength, int greedyLength, long seed) {
        try (GgufFile f = GgufFile.open(gguf)) {
            HunyuanConfig cfg = HunyuanConfig.fromGguf(f);
            int ctx = promptLength + greedyLength + 1;
            int[] prompt = new Random(seed).ints(promptLength, 0, cfg.vocabSize()).toArray();
            Backend cpu = CpuBackend.floatReference(Runtime.getRuntime().availableProcessors());
            ModelWeights cw = ModelWeights.load(cfg, f::tensorOrNull, n -> cpu);
            ModelWeights gw = ModelWeights.load(cfg, f::tensorOrNull, n -> gpu);
            HunyuanModel cm = new HunyuanModel(cfg, cpu, cw, 64), gm = new HunyuanModel(cfg, gpu, gw, 64);
            gm.setStepGraphs(false); // op by op first: the graphed continuation must reproduce it
            try (AutoCloseable releaseWeights = () -> Weights.release(gpu, gw); Session cs = new Session(cm, ctx, kvType, kvType); Session gs = new Session(gm, ctx, kvType, kvType)) {
                float[] cl = cs.evaluate(prompt, LogitsMode.ALL), gl = gs.evaluate(prompt, LogitsMode.ALL);
                int vocab = cfg.vocabSize(), same = 0;
                for (int p = 0; p < promptLength; p++) if (argmax(cl, p * vocab, vocab) == argmax(gl, p * vocab, vocab)) same++;
                ErrorStats err = ErrorStats.of(gl, cl);
                int[] cpuTokens = greedy(cs, greedyLength, vocab), gpuTokens = greedy(gs, greedyLength, vocab);
                int[] graphTokens;
                gm.setStepGraphs(true);
                try (Session again = new Session(gm, ctx, kvType, kvType)) {
                    again.evaluate(prompt, LogitsMode.ALL); // the same kernels as gs's prompt, so the same first token
                    graphTokens = greedy(again, greedyLength, vocab);
                }
                // The first step is captured, the others replayed.
                String failure = gm.replayedSteps() == Math.max(0, greedyLength - 2) ? null
                        : "decode steps replayed from a graph: " + gm.replayedSteps() + ", expected " + Math.max(0, greedyLength - 2);
                return new Report(label, promptLength, same, err, greedyLength, commonPrefix(cpuTokens, gpuTokens),
                        commonPrefix(gpuTokens, graphTokens), failure);
            }
        } catch (Exception e) {
            return new Report(label, promptLength, 0, null, greedyLength, 0, 0, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static int[] greedy(Session s, int n, int vocab) {
        int[] out = new int[n];
        float[] logits = s.logits();
        for (int i = 0; i < n; i++) {
            out[i] = argmax(logits, 0, vocab);
            if (i + 1 < n) logits = s.append(out[i]);
        }
        return out;
    }

    static int argmax(float[] v, int at, int n) {
        int b = 0;
        for (int i = 1; i < n; i++) if (v[at + i] > v[at + b]) b = i;
        return b;
    }

    static int commonPrefix(int[] a, int[] b) {
        int i = 0;
        while (i < Math.min(a.length, b.length) && a[i] == b[i]) i++;
        return i;
    }
}
