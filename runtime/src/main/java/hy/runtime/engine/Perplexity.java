package hy.runtime.engine;

import hy.runtime.model.LogitsMode;
import java.util.Arrays;

/**
 * Perplexity as llama.cpp's llama-perplexity computes it: the token stream is cut into chunks of n_ctx tokens, each
 * chunk is evaluated from an empty cache, and only its second half is scored (logits at positions n_ctx/2 … n_ctx−2
 * predicting the next token). When the vocabulary adds BOS, the first token of each chunk is replaced by BOS.
 */
public final class Perplexity {
    private Perplexity() {}

    /** Running totals after a chunk. */
    public record Progress(int chunk, int chunks, double nllSum, double nll2Sum, long count, double secondsPerChunk) {
        public double ppl() {
            return Math.exp(nllSum / count);
        }

        /** llama.cpp's uncertainty of the PPL: σ(mean nll) · PPL. */
        public double pplError() {
            double mean = nllSum / count;
            double var = nll2Sum / count - mean * mean;
            return var > 0 && count > 1 ? Math.sqrt(var / (count - 1)) * ppl() : Double.NaN;
        }
    }

    /** Receives each chunk's scored logits (for the KL-divergence file) and the running totals. */
    public interface Listener {
        default void onChunk(Progress p) {}

        /** Logits of one chunk: rows for positions first … nCtx−2 (nCtx − 1 − first rows of vocab floats). */
        default void onScoredLogits(int chunk, int[] chunkTokens, float[] logits, int first) {}
    }

    /** llama-perplexity's rule for a text to score: at least two contexts' worth of tokens. */
    public static void requireEnoughTokens(int tokens, int nCtx) {
        if (tokens < 2 * nCtx) {
            throw new IllegalArgumentException("you need at least " + 2 * nCtx + " tokens to evaluate perplexity with a context of "
                    + nCtx + " (the input has " + tokens + "); use a longer file or a smaller -c");
        }
    }

    public static int chunkCount(int tokens, int nCtx, int maxChunks) {
        int n = tokens / nCtx;
        return maxChunks > 0 ? Math.min(n, maxChunks) : n;
    }

    public static Progress run(Session s, int[] tokens, int nCtx, int maxChunks, int bosToken, Listener listener) {
        if (nCtx < 4) throw new IllegalArgumentException("-c must be at least 4 for perplexity");
        if (nCtx > s.contextLength()) throw new IllegalArgumentException("-c " + nCtx + " exceeds the session's context");
        if (tokens.length < nCtx) throw new IllegalArgumentException("fewer tokens (" + tokens.length + ") than one chunk of " + nCtx);
        int chunks = chunkCount(tokens.length, nCtx, maxChunks);
        int first = nCtx / 2;
        int vocab = s.model().config().vocabSize();
        int batch = s.model().maxBatch();
        double nllSum = 0, nll2Sum = 0;
        long count = 0;
        Progress p = null;
        for (int c = 0; c < chunks; c++) {
            long t0 = System.nanoTime();
            int[] chunk = Arrays.copyOfRange(tokens, c * nCtx, (c + 1) * nCtx);
            int[] eval = chunk.clone();
            if (bosToken >= 0) eval[0] = bosToken;
            s.truncate(0);
            float[] scored = new float[(nCtx - 1 - first) * vocab];
            for (int from = 0; from < nCtx; from += batch) {
                int n = Math.min(batch, nCtx - from);
                boolean needed = from + n > first && from < nCtx - 1;
                float[] logits = s.evaluate(Arrays.copyOfRange(eval, from, from + n), needed ? LogitsMode.ALL : LogitsMode.NONE);
                if (!needed) continue;
                for (int j = Math.max(from, first); j < Math.min(from + n, nCtx - 1); j++) {
                    System.arraycopy(logits, (j - from) * vocab, scored, (j - first) * vocab, vocab);
                }
            }
            for (int j = first; j < nCtx - 1; j++) {
                double nll = nll(scored, (j - first) * vocab, vocab, chunk[j + 1]);
                nllSum += nll;
                nll2Sum += nll * nll;
                count++;
            }
            listener.onScoredLogits(c, chunk, scored, first);
            p = new Progress(c + 1, chunks, nllSum, nll2Sum, count, (System.nanoTime() - t0) / 1e9);
            listener.onChunk(p);
        }
        return p;
    }

    /** −log softmax(logits)[target], with the max subtracted and the sum in double. */
    static double nll(float[] logits, int at, int vocab, int target) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) max = Math.max(max, logits[at + i]);
        double sum = 0;
        for (int i = 0; i < vocab; i++) sum += Math.exp(logits[at + i] - max);
        return Math.log(sum) - (logits[at + target] - max);
    }
}
