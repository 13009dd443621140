package hy.cuda.selftest;

import hy.cuda.backend.CudaBackend;
import java.util.Arrays;
import java.util.Locale;

/**
 * Wall-clock timing of queued GPU work: warm-up runs first (module and cache effects stay out), then five samples of
 * {@code reps} back-to-back runs between two synchronisations; the median sample per run is reported. Launch overhead
 * is included, as in a real forward pass without graphs.
 */
public final class Timing {
    private Timing() {}

    public static double medianMillis(CudaBackend gpu, Runnable op, int warmup, int reps) {
        for (int i = 0; i < warmup; i++) op.run();
        gpu.synchronize();
        double[] samples = new double[5];
        for (int s = 0; s < samples.length; s++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < reps; i++) op.run();
            gpu.synchronize();
            samples[s] = (System.nanoTime() - t0) / 1e6 / reps;
        }
        Arrays.sort(samples);
        return samples[samples.length / 2];
    }

    public static String gbps(double bytes, double ms) {
        return String.format(Locale.ROOT, "%.0f GB/s", bytes / ms / 1e6);
    }

    public static String tflops(double flop, double ms) {
        return String.format(Locale.ROOT, "%.1f TFLOP/s", flop / ms / 1e9);
    }
}
