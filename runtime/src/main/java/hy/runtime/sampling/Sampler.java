package hy.runtime.sampling;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * llama.cpp's default chain for one sequence: repetition penalty → top-k → top-p → min-p → temperature → draw.
 * Greedy (temperature ≤ 0) takes the argmax after the penalty. Not thread-safe: one per sequence.
 */
public final class Sampler {
    private final SamplerConfig cfg;
    private final SplittableRandom rng;
    private final int[] history;
    private int historyCount;
    private int historyNext;

    // Candidate scratch, sized on first use.
    private int[] ids = new int[0];
    private float[] vals = new float[0];
    private long[] keys = new long[0];

    public Sampler(SamplerConfig cfg) {
        this.cfg = cfg;
        this.rng = new SplittableRandom(cfg.seed() == -1 ? System.nanoTime() : cfg.seed());
        this.history = new int[cfg.repeatLastN() < 0 ? 1 << 20 : Math.max(cfg.repeatLastN(), 0)];
    }

    public SamplerConfig config() {
        return cfg;
    }

    /** Records a token (prompt or generated) for the repetition penalty. */
    public void accept(int token) {
        if (history.length == 0) return;
        history[historyNext] = token;
        historyNext = (historyNext + 1) % history.length;
        historyCount = Math.min(historyCount + 1, history.length);
    }

    public void reset() {
        historyCount = 0;
        historyNext = 0;
    }

    /** Picks the next token from {@code vocab} logits starting at {@code at}; the logits are not modified. */
    public int sample(float[] logits, int at, int vocab) {
        if (ids.length < vocab) {
            ids = new int[vocab];
            vals = new float[vocab];
        }
        System.arraycopy(logits, at, vals, 0, vocab);
        applyPenalty(vals);
        if (cfg.greedy()) return argmax(vals, vocab);
        int n = vocab;
        for (int i = 0; i < n; i++) ids[i] = i;
        n = topK(n);
        sortDescending(n);
        n = topP(n);
        n = minP(n);
        return draw(n);
    }

    private void applyPenalty(float[] v) {
        if (cfg.repeatPenalty() == 1f || historyCount == 0) return;
        // Each distinct recent token is penalised once, as llama.cpp does.
        int[] seen = Arrays.copyOf(history, historyCount);
        Arrays.sort(seen);
        for (int i = 0; i < seen.length; i++) {
            if (i > 0 && seen[i] == seen[i - 1]) continue;
            int t = seen[i];
            if (t < 0 || t >= v.length) continue;
            v[t] = v[t] > 0 ? v[t] / cfg.repeatPenalty() : v[t] * cfg.repeatPenalty();
        }
    }

    private static int argmax(float[] v, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) if (v[i] > v[best]) best = i;
        return best;
    }

    /** Keeps the k largest candidates in [0, k) (unordered) by quickselect. */
    private int topK(int n) {
        int k = cfg.topK();
        if (k <= 0 || k >= n) return n;
        int lo = 0, hi = n - 1;
        while (lo < hi) {
            float pivot = vals[ids[(lo + hi) >>> 1]];
            int i = lo, j = hi;
            while (i <= j) {
                while (vals[ids[i]] > pivot) i++;
                while (vals[ids[j]] < pivot) j--;
                if (i <= j) {
                    int tmp = ids[i];
                    ids[i++] = ids[j];
                    ids[j--] = tmp;
                }
            }
            if (k - 1 <= j) hi = j;
            else if (k - 1 >= i) lo = i;
            else break;
        }
        return k;
    }

    /**
     * Sorts candidates [0, n) by logit descending, ties by id: each becomes one long (an order-preserving int of the
     * negated logit above the id) and a primitive sort orders them, so a whole vocabulary (top-k 0) sorts without
     * boxing.
     */
    private void sortDescending(int n) {
        if (keys.length < n) keys = new long[n];
        for (int i = 0; i < n; i++) keys[i] = (long) orderedInt(-vals[ids[i]]) << 32 | ids[i];
        Arrays.sort(keys, 0, n);
        for (int i = 0; i < n; i++) ids[i] = (int) keys[i];
    }

    /** An int whose signed order is the float order (−0 before +0; logits are never NaN here). */
    static int orderedInt(float f) {
        int bits = Float.floatToIntBits(f);
        return bits ^ (bits >> 31 & 0x7FFFFFFF);
    }

    /** Softmax over the sorted candidates at temperature 1 (as llama.cpp's top-p/min-p see them), into probs. */
    private double[] probs(int n) {
        double[] p = new double[n];
        double max = vals[ids[0]], sum = 0;
        for (int i = 0; i < n; i++) sum += p[i] = Math.exp(vals[ids[i]] - max);
        for (int i = 0; i < n; i++) p[i] /= sum;
        return p;
    }

    private int topP(int n) {
        if (cfg.topP() >= 1f) return n;
        double[] p = probs(n);
        double cum = 0;
        for (int i = 0; i < n; i++) {
            cum += p[i];
            if (cum >= cfg.topP()) return i + 1;
        }
        return n;
    }

    private int minP(int n) {
        if (cfg.minP() <= 0f) return n;
        double limit = Math.log(cfg.minP());
        float max = vals[ids[0]];
        int kept = 1;
        while (kept < n && vals[ids[kept]] - max >= limit) kept++;
        return kept;
    }

    private int draw(int n) {
        double t = cfg.temperature();
        double max = vals[ids[0]];
        double[] w = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) sum += w[i] = Math.exp((vals[ids[i]] - max) / t);
        double r = rng.nextDouble() * sum;
        for (int i = 0; i < n; i++) {
            r -= w[i];
            if (r <= 0) return ids[i];
        }
        return ids[n - 1];
    }
}
