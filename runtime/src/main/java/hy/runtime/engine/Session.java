package hy.runtime.engine;

import hy.runtime.backend.KvCache;
import hy.runtime.model.HunyuanModel;
import hy.runtime.model.LogitsMode;
import hy.runtime.tensor.GgmlType;
import java.util.Arrays;

/**
 * One sequence being evaluated: its KV cache, the tokens it holds, and the logits of its last token. Prompts are
 * fed in micro-batches of the model's batch size; the history is kept so that a new prompt that extends it (the
 * next chat turn, a server request continuing a conversation) reuses the cached prefix.
 */
public final class Session implements AutoCloseable {
    private final HunyuanModel model;
    private final KvCache cache;
    private int[] tokens = new int[256];
    private int length;
    private float[] lastLogits;

    public Session(HunyuanModel model, int contextLength, GgmlType kType, GgmlType vType) {
        this.model = model;
        this.cache = model.newKvCache(contextLength, kType, vType);
    }

    public HunyuanModel model() {
        return model;
    }

    public int contextLength() {
        return cache.contextLength();
    }

    public KvCache cache() {
        return cache;
    }

    /** Tokens currently in the cache. */
    public int length() {
        return length;
    }

    public int[] tokens() {
        return Arrays.copyOf(tokens, length);
    }

    /** Forgets everything after the first {@code n} tokens (the cache rows beyond are overwritten later). */
    public void truncate(int n) {
        if (n < 0 || n > length) throw new IllegalArgumentException("cannot keep " + n + " of " + length + " tokens");
        if (n < length) lastLogits = null;
        length = n;
    }

    /** How many leading tokens of {@code prompt} are already in the cache. */
    public int commonPrefix(int[] prompt) {
        int n = Math.min(length, prompt.length);
        int i = 0;
        while (i < n && tokens[i] == prompt[i]) i++;
        return i;
    }

    /**
     * Makes the cache hold exactly {@code prompt}: keeps the common prefix, evaluates the rest, and leaves the logits
     * of the last token ready. At least the last token is always re-evaluated so its logits are fresh.
     * @return the number of tokens evaluated
     */
    public int prefill(int[] prompt, ProgressListener progress) {
        if (prompt.length == 0) throw new IllegalArgumentException("empty prompt");
        if (prompt.length > contextLength()) {
            throw new IllegalArgumentException("prompt has " + prompt.length + " tokens but the context is " + contextLength()
                    + " (raise -c or shorten the prompt)");
        }
        int keep = Math.min(commonPrefix(prompt), prompt.length - 1);
        truncate(keep);
        lastLogits = null; // until the prompt's last token is evaluated, there are no logits for it
        int done = 0, todo = prompt.length - keep;
        int batch = model.maxBatch();
        for (int from = keep; from < prompt.length; from += batch) {
            int n = Math.min(batch, prompt.length - from);
            boolean last = from + n == prompt.length;
            evaluate(Arrays.copyOfRange(prompt, from, from + n), last ? LogitsMode.LAST : LogitsMode.NONE);
            done += n;
            progress.onProgress(done, todo);
        }
        return todo;
    }

    public int prefill(int[] prompt) {
        return prefill(prompt, (d, t) -> {});
    }

    /** Appends one token (e.g. the one just sampled) and computes its logits. */
    public float[] append(int token) {
        evaluate(new int[] {token}, LogitsMode.LAST);
        return lastLogits;
    }

    /** Logits of the last evaluated token (vocab floats). */
    public float[] logits() {
        if (lastLogits == null) throw new IllegalStateException("no logits: nothing evaluated yet");
        return lastLogits;
    }

    /** Runs {@code batch} at the end of the sequence and returns the requested logits. */
    public float[] evaluate(int[] batch, LogitsMode mode) {
        if (length + batch.length > contextLength()) {
            throw new ContextFullException(contextLength());
        }
        float[] out = model.forward(batch, length, cache, mode);
        ensureCapacity(length + batch.length);
        System.arraycopy(batch, 0, tokens, length, batch.length);
        length += batch.length;
        int vocab = model.config().vocabSize();
        lastLogits = switch (mode) {
            case NONE -> null;
            case LAST -> out;
            case ALL -> Arrays.copyOfRange(out, out.length - vocab, out.length);
        };
        return out;
    }

    private void ensureCapacity(int n) {
        if (n > tokens.length) tokens = Arrays.copyOf(tokens, Math.max(n, tokens.length * 2));
    }

    @Override
    public void close() {
        model.dropStepGraph(cache);
        cache.close();
    }

    /** Progress of a long prefill: tokens done of total. */
    @FunctionalInterface
    public interface ProgressListener {
        void onProgress(int done, int total);
    }

    /** The sequence reached the context length. */
    public static final class ContextFullException extends IllegalStateException {
        public ContextFullException(int ctx) {
            super("context full (" + ctx + " tokens); raise -c");
        }
    }
}
