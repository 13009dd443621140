package hy.runtime.backend;

import hy.runtime.util.Softmax;

/**
 * Which experts each token of a batch uses, decided on the host: for token t, slots [t·topK, t·topK + topK) of
 * {@code ids} and {@code weights} hold its experts and their renormalised router weights; unused slots (smart expert
 * reduction dropped them) have id −1.
 */
public record ExpertRouting(int tokens, int topK, int[] ids, float[] weights) {
    public ExpertRouting {
        if (ids.length != tokens * topK || weights.length != tokens * topK) {
            throw new IllegalArgumentException("routing arrays must hold tokens × topK entries");
        }
    }

    /**
     * Routes a batch from the router's logits ({@code tokens × experts} floats, row-major): softmax over all
     * experts, then {@code selection}'s top-k and renormalisation per token.
     */
    public static ExpertRouting fromLogits(float[] logits, int tokens, int experts, ExpertSelection selection) {
        int k = selection.topK();
        int[] ids = new int[tokens * k];
        float[] weights = new float[tokens * k];
        java.util.Arrays.fill(ids, -1);
        float[] p = new float[experts];
        int[] chosen = new int[k];
        float[] w = new float[k];
        for (int t = 0; t < tokens; t++) {
            System.arraycopy(logits, t * experts, p, 0, experts);
            Softmax.inPlace(p, 0, experts);
            int kept = selection.select(p, chosen, w);
            System.arraycopy(chosen, 0, ids, t * k, kept);
            System.arraycopy(w, 0, weights, t * k, kept);
        }
        return new ExpertRouting(tokens, k, ids, weights);
    }
}
