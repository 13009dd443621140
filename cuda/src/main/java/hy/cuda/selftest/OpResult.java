package hy.cuda.selftest;

import java.util.Locale;

/**
 * One comparison of a GPU op with the CPU reference, and its timing on the GPU.
 *
 * @param throughput e.g. "812 GB/s" or "95.1 TFLOP/s"; empty when not measured
 * @param failure why the check could not run (an exception), or null
 */
public record OpResult(String op, String detail, ErrorStats error, Precision precision, double gpuMillis, String throughput,
        String failure) {

    public boolean passed() {
        return failure == null && (error == null || error.within(precision.bound));
    }

    public static OpResult failed(String op, String detail, Throwable e) {
        return new OpResult(op, detail, null, Precision.EXACT, Double.NaN, "", e.getClass().getSimpleName() + ": " + e.getMessage());
    }

    public static OpResult timing(String op, String detail, double ms, String throughput) {
        return new OpResult(op, detail, null, Precision.EXACT, ms, throughput, null);
    }

    /** One table row: op, detail, relative error, bound, max |diff|, time, throughput, verdict. */
    public String row() {
        String err = error == null ? "-" : String.format(Locale.ROOT, "%.2e", error.relL2());
        String bound = error == null ? "-" : precision.bound == 0 ? "exact" : String.format(Locale.ROOT, "%.0e", precision.bound);
        String max = error == null ? "-" : String.format(Locale.ROOT, "%.2e", error.maxAbs());
        String time = Double.isNaN(gpuMillis) ? "-" : String.format(Locale.ROOT, "%.3f", gpuMillis);
        String verdict = passed() ? "ok" : failure != null ? "ERROR " + failure
                : "FAIL" + (error.badValues() > 0 ? " (" + error.badValues() + " NaN/unwritten of " + error.count() + ")" : "")
                        + " worst " + error.worst();
        return String.format(Locale.ROOT, "%-10s %-34s %9s %7s %9s %9s %14s  %s", op, detail, err, bound, max, time, throughput, verdict);
    }

    public static String header() {
        return String.format(Locale.ROOT, "%-10s %-34s %9s %7s %9s %9s %14s  %s", "op", "case", "rel err", "bound", "max|d|", "gpu ms",
                "throughput", "verdict");
    }
}
