package hy.runtime.engine;

import java.util.Arrays;

/**
 * Compares a model's token distributions with a base run's (llama-perplexity --kl-divergence): per scored token
 * the NLL of both, the KL divergence KL(base ‖ model) over base log-probabilities above −16, the change Δp of the
 * target token's probability, and whether both agree on the most likely token.
 */
public final class KlDivergence {
    private double nll, nll2, nllBase, nllBase2, nllNllBase, kld, kld2, pDiff, pDiff2, pDiff4;
    private long count, sameTop;
    private float[] klds = new float[1024];
    private float[] pDiffs = new float[1024];

    /** Adds one token: the model's logits at {@code at} and the base's decoded log-probabilities. */
    public void add(float[] logits, int at, float[] baseLogProbs, int vocab, int target) {
        float max = logits[at];
        int top = 0;
        for (int i = 1; i < vocab; i++) {
            if (logits[at + i] > max) {
                max = logits[at + i];
                top = i;
            }
        }
        double sumExp = 0;
        for (int i = 0; i < vocab; i++) sumExp += Math.exp(logits[at + i] - max);
        double logZ = max + Math.log(sumExp);
        double n = logZ - logits[at + target];
        double nb = -baseLogProbs[target];
        double k = 0;
        int topBase = 0;
        for (int i = 0; i < vocab; i++) {
            float lb = baseLogProbs[i];
            if (lb > baseLogProbs[topBase]) topBase = i;
            if (lb > -16f) k += Math.exp(lb) * (lb - (logits[at + i] - logZ));
        }
        double d = Math.exp(-n) - Math.exp(-nb);
        if (count == klds.length) {
            klds = Arrays.copyOf(klds, klds.length * 2);
            pDiffs = Arrays.copyOf(pDiffs, pDiffs.length * 2);
        }
        klds[(int) count] = (float) k;
        pDiffs[(int) count] = (float) d;
        count++;
        nll += n;
        nll2 += n * n;
        nllBase += nb;
        nllBase2 += nb * nb;
        nllNllBase += n * nb;
        kld += k;
        kld2 += k * k;
        pDiff += d;
        pDiff2 += d * d;
        pDiff4 += d * d * d * d;
        if (top == topBase) sameTop++;
    }

    public long count() {
        return count;
    }

    /** A mean and its standard error (σ/√(n−1)). */
    public record Estimate(double value, double error) {}

    private Estimate mean(double sum, double sum2) {
        double m = sum / count, v = sum2 / count - m * m;
        return new Estimate(m, count > 1 && v > 0 ? Math.sqrt(v / (count - 1)) : 0);
    }

    public Estimate ppl() {
        Estimate m = mean(nll, nll2);
        return new Estimate(Math.exp(m.value()), Math.exp(m.value()) * m.error());
    }

    public Estimate pplBase() {
        Estimate m = mean(nllBase, nllBase2);
        return new Estimate(Math.exp(m.value()), Math.exp(m.value()) * m.error());
    }

    /** Mean of ln(PPL(Q)/PPL(base)) = mean NLL difference, with the covariance of both NLLs accounted for. */
    public Estimate logPplRatio() {
        double m = (nll - nllBase) / count;
        double v = (nll2 + nllBase2 - 2 * nllNllBase) / count - m * m;
        return new Estimate(m, count > 1 && v > 0 ? Math.sqrt(v / (count - 1)) : 0);
    }

    /**
     * PPL(Q) − PPL(base) with its uncertainty, the two runs' correlation included as llama.cpp does:
     * σ² = σ_Q² + σ_base² − 2·PPL(Q)·PPL(base)·cov(nll, nll_base)/(n − 1).
     */
    public Estimate pplDifference() {
        Estimate q = ppl(), b = pplBase();
        double mn = nll / count, mb = nllBase / count;
        double cov = (nllNllBase / count - mn * mb) / Math.max(1, count - 1);
        double var = q.error() * q.error() + b.error() * b.error() - 2 * q.value() * b.value() * cov;
        return new Estimate(q.value() - b.value(), var > 0 ? Math.sqrt(var) : 0);
    }

    /** Correlation of the per-token NLLs of both runs. */
    public double nllCorrelation() {
        double mn = nll / count, mb = nllBase / count;
        double cov = nllNllBase / count - mn * mb;
        double vn = nll2 / count - mn * mn, vb = nllBase2 / count - mb * mb;
        return cov / Math.sqrt(vn * vb);
    }

    public Estimate kld() {
        return mean(kld, kld2);
    }

    public Estimate meanPDiff() {
        return mean(pDiff, pDiff2);
    }

    /** RMS of Δp and its error (propagated from the 4th moment, as llama.cpp does). */
    public Estimate rmsPDiff() {
        double ms = pDiff2 / count;
        double v = pDiff4 / count - ms * ms;
        double rms = Math.sqrt(ms);
        double err = count > 1 && v > 0 && rms > 0 ? Math.sqrt(v / (count - 1)) / (2 * rms) : 0;
        return new Estimate(rms, err);
    }

    public Estimate sameTop() {
        double p = sameTop / (double) count;
        return new Estimate(p, count > 1 ? Math.sqrt(p * (1 - p) / (count - 1)) : 0);
    }

    /** Percentile (0–100) of the per-token KL divergences, linear interpolation as llama.cpp. */
    public double kldPercentile(double pct) {
        return percentile(klds, pct);
    }

    public double pDiffPercentile(double pct) {
        return percentile(pDiffs, pct);
    }

    private double percentile(float[] values, double pct) {
        float[] s = Arrays.copyOf(values, (int) count);
        Arrays.sort(s);
        double pos = pct / 100 * (s.length - 1);
        int lo = (int) Math.floor(pos), hi = Math.min(lo + 1, s.length - 1);
        return s[lo] + (pos - lo) * (s[hi] - s[lo]);
    }
}
