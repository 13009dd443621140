package hy.cli;

import hy.runtime.cpu.NativeKernels;
import hy.runtime.cpu.bench.KernelBench;
import hy.runtime.engine.Bench;
import hy.runtime.engine.LoadedModel;
import hy.runtime.engine.Session;
import hy.runtime.tensor.Tensor;
import hy.runtime.tensor.GgmlType;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** llama-bench: pp (prompt processing) and tg (generation) speeds as its markdown table. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Measure prompt-processing and generation speed (llama-bench's table).")
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-p", "--n-prompt"}, paramLabel = "N", split = ",", description = "prompt sizes (default: 512)")
    List<Integer> prompts = new ArrayList<>(List.of(512));

    @Option(names = {"-n", "--n-gen"}, paramLabel = "N", split = ",", description = "generation lengths (default: 128)")
    List<Integer> gens = new ArrayList<>(List.of(128));

    @Option(names = {"-r", "--repetitions"}, paramLabel = "N", description = "repetitions per test (default: ${DEFAULT-VALUE})")
    int reps = 5;

    @Option(names = {"-o", "--output"}, paramLabel = "md|csv", description = "output format (default: ${DEFAULT-VALUE})")
    String output = "md";

    @Option(names = "--kernels", description = "benchmark the CPU matvec kernels instead of a model (GB/s per type against a read loop)")
    boolean kernels;

    @Option(names = "--kernel-mb", paramLabel = "MB", description = "with --kernels: MB of weights per type (default: ${DEFAULT-VALUE})")
    int kernelMegabytes = 256;

    @Option(names = "--kernel-tokens", paramLabel = "N", description = "with --kernels: multiply batches of N tokens "
            + "(a prompt's products; GMAC/s) instead of one (the decode matvec; GB/s against a read loop)")
    int kernelTokens = 1;

    @Option(names = "--kernel-types", paramLabel = "TYPE", split = ",", description = "with --kernels: types to measure (default: all with kernels)")
    List<String> kernelTypes;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    SyntheticOptions synthetic;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        if (kernels) {
            if (kernelMegabytes < 1) throw new IllegalArgumentException("--kernel-mb must be at least 1");
            List<GgmlType> types = kernelTypes == null ? KernelBench.TYPES : kernelTypes.stream().map(n -> {
                GgmlType t = GgmlType.byName(n);
                if (t == null || !KernelBench.TYPES.contains(t)) throw new IllegalArgumentException("--kernel-types: no kernel for '" + n + "'");
                return t;
            }).toList();
            if (kernelTokens < 1 || kernelTokens > 4096) throw new IllegalArgumentException("--kernel-tokens must be 1..4096, got " + kernelTokens);
            if (kernelTokens > 1) KernelBench.batched(out, modelOptions.effectiveThreads(), kernelTokens, types, 1.0);
            else KernelBench.run(out, modelOptions.effectiveThreads(), kernelMegabytes, types, 1.0);
            return 0;
        }
        if (reps < 1) throw new IllegalArgumentException("-r must be at least 1");
        if (!output.equals("md") && !output.equals("csv")) throw new IllegalArgumentException("-o must be md or csv");
        for (int n : prompts) if (n < 0) throw new IllegalArgumentException("-p sizes must be >= 0");
        for (int n : gens) if (n < 0) throw new IllegalArgumentException("-n sizes must be >= 0");
        int longest = Math.max(prompts.stream().mapToInt(i -> i).max().orElse(0), gens.stream().mapToInt(i -> i).max().orElse(0));
        // Without -c the context is what the tests need, and the placement plan sizes the KV cache for exactly that.
        try (LoadedModel m = ModelSetup.load(modelOptions, synthetic, err, longest + 1)) {
            int ctx = Math.max(longest + 1, ModelSetup.contextLength(modelOptions, m, longest + 1));
            List<Bench.Result> results = new ArrayList<>();
            try (Session s = m.newSession(ctx, modelOptions.cacheTypeK, modelOptions.cacheTypeV)) {
                for (int n : prompts) if (n > 0) results.add(Bench.promptProcessing(s, n, reps, 1234));
                for (int n : gens) if (n > 0) results.add(Bench.textGeneration(s, n, reps, 5678));
            }
            String model = label(m), size = size(m), params = params(m.config().parameterCount());
            String backend = m.model().backend().name();
            int threads = modelOptions.effectiveThreads();
            if (output.equals("csv")) {
                out.println("model,size,params,backend,threads,test,avg_ts,stddev_ts");
                for (Bench.Result r : results) {
                    out.printf(Locale.ROOT, "\"%s\",%s,%s,%s,%d,%s,%.6f,%.6f%n", model, size, params, backend, threads, r.test(), r.mean(), r.stdev());
                }
            } else {
                out.printf("| %-30s | %10s | %10s | %-10s | %7s | %13s | %20s |%n", "model", "size", "params", "backend", "threads", "test", "t/s");
                out.printf("| %s | %s | %s | %s | %s | %s | %s |%n", "-".repeat(30), "-".repeat(9) + ":", "-".repeat(9) + ":",
                        "-".repeat(10), "-".repeat(6) + ":", "-".repeat(12) + ":", "-".repeat(19) + ":");
                for (Bench.Result r : results) {
                    out.printf(Locale.ROOT, "| %-30s | %10s | %10s | %-10s | %7d | %13s | %20s |%n", model, size, params, backend,
                            threads, r.test(), String.format(Locale.ROOT, "%.2f ± %.2f", r.mean(), r.stdev()));
                }
                out.println();
                out.println("build: hy " + Version.VERSION + " (Java " + Runtime.version().feature() + ", " + MachineInfo.describe()
                        + "; cpu kernels: " + NativeKernels.describe() + ")");
            }
        }
        return 0;
    }

    /** "hunyuan-moe 80B.A13B Q4_0": architecture, size label, dominant weight type. */
    static String label(LoadedModel m) {
        Map<GgmlType, Long> bytes = new EnumMap<>(GgmlType.class);
        for (Tensor t : m.tensors()) if (t.dims() >= 2) bytes.merge(t.type(), t.byteSize(), Long::sum);
        String type = bytes.entrySet().stream().max(Map.Entry.comparingByValue()).map(e -> e.getKey().name()).orElse("?");
        var c = m.config();
        String sizeLabel = c.layers() == 32 && c.hiddenSize() == 4096 && c.experts() == 64 ? "80B.A13B" : params(c.parameterCount());
        return "hunyuan-moe " + sizeLabel + " " + type;
    }

    static String size(LoadedModel m) {
        long b = 0;
        for (Tensor t : m.tensors()) b += t.byteSize();
        return b >= 1L << 30 ? String.format(Locale.ROOT, "%.2f GiB", b / (double) (1L << 30)) : String.format(Locale.ROOT, "%.2f MiB", b / (double) (1L << 20));
    }

    static String params(long n) {
        return n >= 1_000_000_000L ? String.format(Locale.ROOT, "%.2f B", n / 1e9) : String.format(Locale.ROOT, "%.2f M", n / 1e6);
    }
}
