package hy.cuda.selftest;

import hy.cuda.CudaProbe;
import hy.cuda.backend.CudaBackend;
import hy.runtime.tensor.GgmlType;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The GPU check that runs where Maven does not (the bundle on the GPU machine):
 * <pre>
 *   java -cp 'dist/hy/lib/*' hy.cuda.selftest.GpuSelfTest [--no-bench] [--no-model] [--seed N] [--only OP,...]
 *        [--model F.gguf]...
 * </pre>
 * Compares every CUDA op with the CPU backend on fresh random inputs (outputs poisoned first; bounds by precision),
 * runs small synthetic models on both (logits, 64-token greedy continuation, graph replay), then times the kernels
 * at Hunyuan-A13B's shapes. Prints a table; exits 0 when every check passed, 1 when one failed, 2 without a GPU.
 */
public final class GpuSelfTest {
    private GpuSelfTest() {}

    public static void main(String[] args) throws IOException {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        boolean bench = true, model = true;
        long seed = System.nanoTime();
        List<Path> models = new ArrayList<>();
        Set<String> only = new HashSet<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--no-bench" -> bench = false;
                case "--no-model" -> model = false;
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--model" -> models.add(Path.of(args[++i]));
                case "--only" -> only.addAll(List.of(args[++i].split(",")));
                default -> {
                    out.println("usage: GpuSelfTest [--no-bench] [--no-model] [--seed N] [--only OP,...] [--model FILE.gguf]...");
                    out.println("  OP: embed rmsnorm rope add matmul attention moe");
                    System.exit(2);
                }
            }
        }
        CudaProbe.Result probe = CudaProbe.probe();
        if (!probe.available()) {
            out.println("no usable CUDA device: " + probe.reason());
            System.exit(2);
        }
        out.println("hy GPU self-test, seed " + seed);
        int failed = 0, total = 0;
        try (CudaBackend gpu = CudaBackend.open(CudaBackend.Options.defaults().withLog(m -> out.println("  " + m)))) {
            // Checks wait for each kernel, so a fault names the kernel that caused it; timings below do not.
            gpu.setSynchronousLaunches(true);
            out.println();
            out.println(OpResult.header());
            for (OpChecks.Check c : new OpChecks(gpu, seed).checks()) {
                if (!only.isEmpty() && !only.contains(c.op())) continue;
                for (OpResult r : c.run().get()) {
                    out.println(r.row());
                    total++;
                    if (!r.passed()) failed++;
                }
            }
            if (model) {
                out.println();
                out.println("whole model, GPU against CPU (synthetic: hidden 256, 2 layers, 8/2 heads × 64, 16 experts top-4)");
                Path dir = Files.createTempDirectory("hy-selftest");
                try {
                    record Run(GgmlType weights, GgmlType kv, boolean exactGreedy, double logitBound) {}
                    for (Run run : List.of(new Run(GgmlType.F32, GgmlType.F32, true, 1e-4), new Run(GgmlType.Q8_0, GgmlType.F16, false, 2e-2),
                            new Run(GgmlType.F16, GgmlType.Q8_0, false, 2e-2))) {
                        Path gguf = TinyModelCheck.synthesize(dir, TinyModelCheck.TINY, run.weights(), seed);
                        var rep = TinyModelCheck.run("synthetic " + run.weights() + ", KV " + run.kv(), gguf, gpu, run.kv(), 40, 64, seed);
                        boolean ok = rep.passed(run.exactGreedy(), run.logitBound());
                        out.println("  " + rep.line() + (ok ? "  ok" : "  FAIL"));
                        total++;
                        if (!ok) failed++;
                        Files.deleteIfExists(gguf);
                    }
                } finally {
                    Files.deleteIfExists(dir);
                }
                for (Path m : models) {
                    var rep = TinyModelCheck.run(m.getFileName().toString(), m, gpu, GgmlType.F16, 40, 64, seed);
                    out.println("  " + rep.line());
                }
            }
            if (bench) {
                gpu.setSynchronousLaunches(false);
                out.println();
                out.println("timings at Hunyuan-A13B shapes (random weights)");
                out.println(OpResult.header());
                for (OpResult r : new Benchmarks(gpu, seed, m -> {}).all()) {
                    out.println(r.row());
                    if (r.failure() != null) failed++;
                }
            }
            out.println();
            out.println("GPU memory held at the end: " + gpu.memory().summary());
        }
        out.println(failed == 0 ? "all " + total + " checks passed" : failed + " of " + total + " checks FAILED"
                + " (after a CUDA fault every later call fails too: look at the first ERROR)");
        System.exit(failed == 0 ? 0 : 1);
    }
}
