package hy.runtime.engine;

import hy.runtime.model.LogitsMode;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * llama-bench's two tests on one session: pp (one prompt of n random tokens in micro-batches) and tg (n single-token
 * steps), each from an empty cache, after an untimed warm-up (two micro-batches for pp, four tokens for tg: the JIT
 * compiles the hot paths meanwhile), repeated; speeds in tokens per second.
 */
public final class Bench {
    private Bench() {}

    /** Mean and sample standard deviation of per-repetition speeds. */
    public record Result(String test, int tokens, double[] tokensPerSecond) {
        public double mean() {
            return Arrays.stream(tokensPerSecond).average().orElse(Double.NaN);
        }

        public double stdev() {
            int n = tokensPerSecond.length;
            if (n < 2) return 0;
            double m = mean(), s = 0;
            for (double v : tokensPerSecond) s += (v - m) * (v - m);
            return Math.sqrt(s / (n - 1));
        }
    }

    public static Result promptProcessing(Session s, int n, int reps, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int vocab = s.model().config().vocabSize();
        int[] prompt = new int[n];
        // Warm-up at the test's own batch size: buffers sized for it, kernels compiled for it, big-batch paths (expert
        // staging) set up, as llama-bench warms pp tests up with a prompt rather than one token.
        int[] warm = new int[Math.min(n, s.model().maxBatch())];
        for (int i = 0; i < warm.length; i++) warm[i] = rng.nextInt(vocab);
        runPrompt(s, warm);
        runPrompt(s, warm);
        settle();
        double[] speeds = new double[reps];
        for (int r = 0; r < reps; r++) {
            for (int i = 0; i < n; i++) prompt[i] = rng.nextInt(vocab);
            long t0 = System.nanoTime();
            runPrompt(s, prompt);
            speeds[r] = n * 1e9 / (System.nanoTime() - t0);
        }
        return new Result("pp" + n, n, speeds);
    }

    public static Result textGeneration(Session s, int n, int reps, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int vocab = s.model().config().vocabSize();
        s.truncate(0);
        for (int i = 0; i < 4; i++) s.evaluate(new int[] {rng.nextInt(vocab)}, LogitsMode.LAST); // warm-up
        settle();
        double[] speeds = new double[reps];
        for (int r = 0; r < reps; r++) {
            s.truncate(0);
            int token = rng.nextInt(vocab);
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                s.evaluate(new int[] {token}, LogitsMode.LAST);
                token = rng.nextInt(vocab);
            }
            speeds[r] = n * 1e9 / (System.nanoTime() - t0);
        }
        return new Result("tg" + n, n, speeds);
    }

    /**
     * After the warm-up: a full collection moves the buffers the warm-up grew (KV cache, MoE scratch) out of the young
     * generation, so that no timed repetition pays for copying them (a one-time cost of hundreds of milliseconds at
     * the A13B shape, which a long run pays once too).
     */
    private static void settle() {
        System.gc();
    }

    private static void runPrompt(Session s, int[] prompt) {
        s.truncate(0);
        int batch = s.model().maxBatch();
        for (int from = 0; from < prompt.length; from += batch) {
            int n = Math.min(batch, prompt.length - from);
            s.evaluate(Arrays.copyOfRange(prompt, from, from + n), from + n == prompt.length ? LogitsMode.LAST : LogitsMode.NONE);
        }
    }
}
