package hy.cli;

import hy.runtime.convert.TensorPlan;
import hy.runtime.tensor.GgmlType;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The closing lines of convert, quantize and synth: what was written, how big, how fast, and any fallbacks. */
final class Summary {
    private Summary() {}

    static void print(PrintWriter out, PrintWriter err, Path file, TensorPlan plan, double seconds) {
        String mix = plan.bytesByType().entrySet().stream()
                .map((Map.Entry<GgmlType, Long> e) -> e.getKey() + " " + ByteSizes.human(e.getValue()))
                .collect(Collectors.joining(", "));
        out.println(String.format(Locale.ROOT, "wrote %s: %d tensors, %s (%s) in %.1f s, %s/s", file, plan.entries().size(),
                ByteSizes.human(plan.totalBytes()), mix, seconds, ByteSizes.human((long) (plan.totalBytes() / Math.max(seconds, 1e-9)))));
        String fallbacks = plan.fallbackSummary();
        if (fallbacks != null) err.println("note: rows not a multiple of the block size, llama-quantize's fallback used: " + fallbacks);
    }
}
