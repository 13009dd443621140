package hy.runtime.model;

import hy.runtime.backend.Activations;
import hy.runtime.backend.Backend;
import hy.runtime.backend.ExpertSelection;
import hy.runtime.backend.KvCache;
import hy.runtime.backend.StepRecording;
import hy.runtime.backend.Weight;
import hy.runtime.tensor.GgmlType;

/**
 * The Hunyuan-MoE forward pass, written once against {@link Backend}. One call runs a batch of consecutive tokens
 * of one sequence through all layers, reading and extending its {@link KvCache}:
 * <pre>
 *   x = E[token]
 *   per layer:  n = RMSNorm(x);  q,k,v = Wq n, Wk n, Wv n;  q,k = RMSNorm_head(RoPE(q,k))
 *               x += Wo · Attn(q, K, V)
 *               x += SharedFFN(RMSNorm(x)) + Σ_top-k g_e FFN_e(RMSNorm(x))
 *   logits = E · RMSNorm(x)        (output tied to the embedding)
 * </pre>
 * Buffers are sized for the largest batch at construction and reused (so one forward runs at a time; sessions
 * sharing a model take turns); views cover smaller batches.
 *
 * <p>When the backend can record steps ({@link StepRecording}: a CUDA graph), a single-token decode step is recorded
 * once per KV cache and replayed afterwards, so the host waits only for the logits of each token.
 */
public final class HunyuanModel {
    private final HunyuanConfig cfg;
    private final Backend backend;
    private final ModelWeights w;
    private final int maxBatch;
    private ExpertSelection selection;
    private RecordedSteps graphs;
    private long replayedSteps;

    // Scratch activations, maxBatch rows each.
    private final Activations x, norm, q, k, v, attn, proj;
    private final Activations logits;

    /**
     * @param backend  runs every op (a hybrid backend routes each op to the device holding its weights)
     * @param maxBatch the most tokens one {@link #forward} call may carry (-ub)
     */
    public HunyuanModel(HunyuanConfig cfg, Backend backend, ModelWeights weights, int maxBatch) {
        this.cfg = cfg;
        this.backend = backend;
        this.w = weights;
        this.maxBatch = maxBatch;
        this.selection = ExpertSelection.topK(cfg.expertsUsed());
        int h = cfg.hiddenSize();
        x = backend.activations(maxBatch, h);
        norm = backend.activations(maxBatch, h);
        q = backend.activations(maxBatch, cfg.qDim());
        k = backend.activations(maxBatch, cfg.kvDim());
        v = backend.activations(maxBatch, cfg.kvDim());
        attn = backend.activations(maxBatch, cfg.qDim());
        proj = backend.activations(maxBatch, h);
        logits = backend.activations(maxBatch, cfg.vocabSize());
        backend.layerOrder(weights.layers().stream().map(LayerWeights::ffn).toList());
        setStepGraphs(StepRecording.enabledByDefault());
    }

    public HunyuanConfig config() {
        return cfg;
    }

    public Backend backend() {
        return backend;
    }

    public int maxBatch() {
        return maxBatch;
    }

    /** Smart expert reduction (-ser) or a different top-k; default: the model's top-k. */
    public synchronized void setExpertSelection(ExpertSelection s) {
        if (s.equals(selection)) return;
        selection = s;
        if (graphs != null) graphs.close(); // recorded steps hold the old selection
    }

    /**
     * Whether single-token steps are recorded and replayed, when the backend can ({@link StepRecording}); on unless
     * switched off by the environment (see {@link StepRecording#enabledByDefault}). Turning it off closes the recordings.
     */
    public synchronized void setStepGraphs(boolean on) {
        if (on && graphs == null && backend instanceof StepRecording r) {
            graphs = new RecordedSteps(r);
        } else if (!on && graphs != null) {
            graphs.close();
            graphs = null;
        }
    }

    /** Whether decode steps are being replayed from recordings. */
    public synchronized boolean stepGraphs() {
        return graphs != null;
    }

    /** Keep a recorded step for up to {@code sequences} KV caches decoded in turn (the server's slots). */
    public synchronized void reserveStepGraphs(int sequences) {
        if (graphs != null) graphs.reserve(sequences);
    }

    /** Decode steps replayed from a recording so far (the others ran op by op). */
    public synchronized long replayedSteps() {
        return replayedSteps;
    }

    /** Closes the recorded step of {@code cache} (call before closing the cache). */
    public synchronized void dropStepGraph(KvCache cache) {
        if (graphs != null) graphs.forget(cache);
    }

    /** Closes every recorded step (before closing the backend); later steps record again. */
    public synchronized void dropStepGraphs() {
        if (graphs != null) graphs.close();
    }

    public KvCache newKvCache(int contextLength, GgmlType kType, GgmlType vType) {
        return backend.kvCache(cfg.layers(), contextLength, cfg.kvDim(), kType, vType);
    }

    /**
     * Runs {@code tokens} at positions startPos, startPos+1, … and returns their logits: an array of
     * {@code rows × vocab} floats where rows is 0, 1 (the last token) or tokens.length per {@code mode}. A single
     * token with logits replays the cache's recorded step when the backend records steps (see {@link #setStepGraphs}).
     */
    public synchronized float[] forward(int[] tokens, int startPos, KvCache cache, LogitsMode mode) {
        checkBatch(tokens, startPos, cache);
        int rows = switch (mode) {
            case NONE -> 0;
            case LAST -> 1;
            case ALL -> tokens.length;
        };
        Runnable step = () -> issue(tokens, startPos, cache, rows);
        if (graphs != null && tokens.length == 1 && rows == 1) {
            if (graphs.run(cache, tokens, startPos, step)) replayedSteps++;
        } else {
            step.run();
        }
        return readLogits(rows);
    }

    private void checkBatch(int[] tokens, int startPos, KvCache cache) {
        int n = tokens.length;
        if (n == 0) throw new IllegalArgumentException("empty batch");
        if (n > maxBatch) throw new IllegalArgumentException("batch of " + n + " tokens exceeds the micro-batch size " + maxBatch);
        if (startPos + n > cache.contextLength()) {
            throw new IllegalArgumentException("context full: positions up to " + (startPos + n) + " requested, context is "
                    + cache.contextLength() + " tokens (raise -c)");
        }
        for (int t : tokens) {
            if (t < 0 || t >= cfg.vocabSize()) throw new IllegalArgumentException("token id " + t + " is outside the vocabulary (0.." + (cfg.vocabSize() - 1) + ")");
        }
    }

    /** Issues every op of the batch, ending with the logits of its last {@code logitRows} tokens in {@link #logits}; reads nothing. */
    private void issue(int[] tokens, int startPos, KvCache cache, int logitRows) {
        int n = tokens.length;
        Activations x = this.x.rows(0, n), norm = this.norm.rows(0, n), q = this.q.rows(0, n), k = this.k.rows(0, n),
                v = this.v.rows(0, n), attn = this.attn.rows(0, n), proj = this.proj.rows(0, n);
        float eps = cfg.rmsEps();
        backend.embed(w.tokenEmbd(), tokens, x);
        for (int l = 0; l < cfg.layers(); l++) {
            LayerWeights lw = w.layers().get(l);
            backend.rmsNorm(x, lw.attnNorm(), eps, norm);
            backend.matmulShared(new Weight[] {lw.wq(), lw.wk(), lw.wv()}, norm, new Activations[] {q, k, v});
            backend.ropeThenNorm(q, cfg.headDim(), startPos, cfg.ropeBase(), lw.qNorm(), eps);
            backend.ropeThenNorm(k, cfg.headDim(), startPos, cfg.ropeBase(), lw.kNorm(), eps);
            backend.attention(q, k, v, cache, l, startPos, cfg.headDim(), attn);
            backend.matmul(lw.wo(), attn, proj);
            backend.add(x, proj);
            backend.rmsNorm(x, lw.ffnNorm(), eps, norm);
            backend.moe(norm, lw.ffn(), selection, x);
        }
        if (logitRows == 0) return;
        Activations outNorm = norm.rows(0, logitRows);
        backend.rmsNorm(x.rows(n - logitRows, logitRows), w.outputNorm(), eps, outNorm);
        backend.matmul(w.output(), outNorm, logits.rows(0, logitRows));
    }

    /** The first {@code rows} rows of {@link #logits}: the one wait for the device per call. */
    private float[] readLogits(int rows) {
        float[] result = new float[rows * cfg.vocabSize()];
        if (rows > 0) backend.read(logits.rows(0, rows), result);
        return result;
    }
}
