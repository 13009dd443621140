package hy.runtime.backend;

/**
 * How many experts a token uses: the top {@code topK} by router probability, optionally reduced by ik_llama.cpp's
 * smart expert reduction ({@code -ser minKeep,threshold}): after sorting, always keep the first {@code minKeep}, and
 * drop each further expert whose probability is below {@code threshold} × the largest. Weights are renormalised over
 * the experts kept.
 */
public record ExpertSelection(int topK, int minKeep, float threshold) {
    public ExpertSelection {
        if (topK < 1) throw new IllegalArgumentException("top-k must be at least 1");
        if (minKeep < 0 || minKeep > topK) throw new IllegalArgumentException("-ser minimum " + minKeep + " must be in 0.." + topK);
        if (threshold < 0 || threshold > 1) throw new IllegalArgumentException("-ser threshold " + threshold + " must be in [0, 1]");
    }

    public static ExpertSelection topK(int k) {
        return new ExpertSelection(k, k, 0f);
    }

    public boolean reduces() {
        return minKeep < topK && threshold > 0;
    }

    /**
     * Picks experts from router probabilities {@code p} (already softmaxed over all experts). Writes the chosen ids and
     * their renormalised weights, sorted by probability descending; returns how many were kept.
     */
    public int select(float[] p, int[] ids, float[] weights) {
        int n = p.length;
        int k = Math.min(topK, n);
        // Partial selection sort: k is small (8 of 64); ties go to the lower id, as torch.topk and ggml do in practice.
        boolean[] taken = new boolean[n];
        for (int j = 0; j < k; j++) {
            int best = -1;
            for (int e = 0; e < n; e++) {
                if (!taken[e] && (best < 0 || p[e] > p[best])) best = e;
            }
            taken[best] = true;
            ids[j] = best;
        }
        int kept = k;
        if (reduces()) {
            float limit = threshold * p[ids[0]];
            kept = minKeep;
            while (kept < k && p[ids[kept]] >= limit) kept++;
            kept = Math.max(kept, 1);
        }
        float sum = 0;
        for (int j = 0; j < kept; j++) sum += p[ids[j]];
        for (int j = 0; j < kept; j++) weights[j] = p[ids[j]] / sum;
        return kept;
    }
}
