package hy.runtime.cpu.bench;

import hy.runtime.cpu.CpuPool;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Fork-join overhead of {@link CpuPool}: microseconds per {@code parallelFor} with one tiny task per thread, back to
 * back (workers still spinning) and after a pause long enough for them to park (as between layers while the GPU
 * works). Run it with {@code -Dhy.cpu.spinMicros=0} and without to see what the spin buys.
 */
public final class PoolBench {
    private PoolBench() {}

    public static void run(PrintWriter out, int threads, int rounds) {
        long[] sink = new long[threads * 8];
        try (CpuPool pool = new CpuPool(threads)) {
            Runnable fork = () -> pool.parallelFor(threads, (t, w) -> sink[w * 8] += t);
            for (int i = 0; i < rounds; i++) fork.run();
            long t0 = System.nanoTime();
            for (int i = 0; i < rounds; i++) fork.run();
            double backToBack = (System.nanoTime() - t0) / 1e3 / rounds;
            double afterPause = 0;
            int pauses = Math.max(1, rounds / 20);
            for (int i = 0; i < pauses; i++) {
                long until = System.nanoTime() + 2_000_000;   // 2 ms: the workers have parked
                while (System.nanoTime() < until) Thread.onSpinWait();
                long s = System.nanoTime();
                fork.run();
                afterPause += (System.nanoTime() - s) / 1e3;
            }
            out.printf(Locale.ROOT, "threads %d, spin %s us: fork-join back to back %.1f us, after a 2 ms pause %.1f us%n",
                    threads, System.getProperty("hy.cpu.spinMicros", "50"), backToBack, afterPause / pauses);
            out.flush();
        }
    }

    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : Runtime.getRuntime().availableProcessors();
        run(new PrintWriter(System.out, true), threads, 20_000);
    }
}
