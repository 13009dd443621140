package hy.cli.server.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The n most likely next tokens under a plain softmax of the raw logits (llama.cpp's n_probs without
 * post_sampling_probs: independent of the sampler settings).
 */
final class TopProbabilities {
    private TopProbabilities() {}

    static List<TokenProbability> of(float[] logits, int vocab, int n) {
        n = Math.min(n, vocab);
        if (n <= 0) return List.of();
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) max = Math.max(max, logits[i]);
        double sum = 0;
        for (int i = 0; i < vocab; i++) sum += Math.exp(logits[i] - max);
        // A min-heap of the best n keeps the pass O(vocab log n); ties go to the lower id, as a stable sort would.
        PriorityQueue<Integer> best = new PriorityQueue<>(n + 1, (a, b) -> logits[a] != logits[b]
                ? Float.compare(logits[a], logits[b]) : Integer.compare(b, a));
        for (int i = 0; i < vocab; i++) {
            if (best.size() < n) {
                best.add(i);
            } else if (logits[i] > logits[best.peek()]) {
                best.poll();
                best.add(i);
            }
        }
        List<TokenProbability> out = new ArrayList<>(n);
        while (!best.isEmpty()) {
            int id = best.poll();
            out.add(new TokenProbability(id, (float) (Math.exp(logits[id] - max) / sum)));
        }
        return out.reversed();
    }
}
