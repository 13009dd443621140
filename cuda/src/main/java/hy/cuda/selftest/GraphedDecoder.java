package hy.cuda.selftest;

import hy.cuda.backend.CudaBackend;
import hy.cuda.backend.CudaStepGraph;
import hy.runtime.backend.Activations;
import hy.runtime.backend.ExpertSelection;
import hy.runtime.backend.KvCache;
import hy.runtime.model.HunyuanConfig;
import hy.runtime.model.LayerWeights;
import hy.runtime.model.ModelWeights;

/**
 * One-token decode steps replayed from a CUDA graph: the op sequence of HunyuanModel.forward for a single token up
 * to the logits, captured once and launched per token. This is the shape a graph-using executor takes; here it checks
 * that a captured step computes exactly what the same ops compute when issued one by one.
 */
public final class GraphedDecoder implements AutoCloseable {
    private final HunyuanConfig cfg;
    private final CudaBackend gpu;
    private final ModelWeights w;
    private final KvCache cache;
    private final ExpertSelection selection;
    private final Activations x, norm, q, k, v, attn, proj, logits;
    private CudaStepGraph graph;

    public GraphedDecoder(HunyuanConfig cfg, CudaBackend gpu, ModelWeights weights, KvCache cache) {
        this.cfg = cfg;
        this.gpu = gpu;
        this.w = weights;
        this.cache = cache;
        this.selection = ExpertSelection.topK(cfg.expertsUsed());
        x = gpu.activations(1, cfg.hiddenSize());
        norm = gpu.activations(1, cfg.hiddenSize());
        q = gpu.activations(1, cfg.qDim());
        k = gpu.activations(1, cfg.kvDim());
        v = gpu.activations(1, cfg.kvDim());
        attn = gpu.activations(1, cfg.qDim());
        proj = gpu.activations(1, cfg.hiddenSize());
        logits = gpu.activations(1, cfg.vocabSize());
    }

    /** Issues one step's ops (no read): embed, every layer, output norm and projection. */
    private void issue(int token, int pos) {
        float eps = cfg.rmsEps();
        gpu.embed(w.tokenEmbd(), new int[] {token}, x);
        for (int l = 0; l < cfg.layers(); l++) {
            LayerWeights lw = w.layers().get(l);
            gpu.rmsNorm(x, lw.attnNorm(), eps, norm);
            gpu.matmul(lw.wq(), norm, q);
            gpu.matmul(lw.wk(), norm, k);
            gpu.matmul(lw.wv(), norm, v);
            gpu.ropeThenNorm(q, cfg.headDim(), pos, cfg.ropeBase(), lw.qNorm(), eps);
            gpu.ropeThenNorm(k, cfg.headDim(), pos, cfg.ropeBase(), lw.kNorm(), eps);
            gpu.attention(q, k, v, cache, l, pos, cfg.headDim(), attn);
            gpu.matmul(lw.wo(), attn, proj);
            gpu.add(x, proj);
            gpu.rmsNorm(x, lw.ffnNorm(), eps, norm);
            gpu.moe(norm, lw.ffn(), selection, x);
        }
        gpu.rmsNorm(x, w.outputNorm(), eps, norm);
        gpu.matmul(w.output(), norm, logits);
    }

    /** The logits of {@code token} at {@code pos}: the first call runs the ops directly and captures them; later calls replay. */
    public float[] step(int token, int pos) {
        if (graph == null) {
            issue(token, pos); // also creates scratch and RoPE tables, which must exist before capture
            float[] out = read();
            graph = gpu.captureStep(1, () -> issue(token, pos));
            return out;
        }
        graph.launch(new int[] {token}, pos);
        return read();
    }

    private float[] read() {
        float[] out = new float[cfg.vocabSize()];
        gpu.read(logits, 0, out);
        return out;
    }

    @Override
    public void close() {
        if (graph != null) graph.close();
        for (Activations a : new Activations[] {x, norm, q, k, v, attn, proj, logits}) gpu.release(a);
    }
}
