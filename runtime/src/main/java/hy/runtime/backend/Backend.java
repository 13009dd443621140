package hy.runtime.backend;

import hy.runtime.tensor.GgmlType;
import hy.runtime.tensor.Tensor;
import java.util.List;

/**
 * The operations one Hunyuan forward pass needs, implemented once per device (CPU, CUDA) and by the hybrid
 * executor, which routes each op to the device that holds its weights. The model ({@code HunyuanModel}) is written
 * once against this interface; a backend decides how and where each op runs.
 *
 * <p>Activations are matrices of {@code tokens × width} float32 owned by the backend ({@link Activations});
 * weights are made usable once by {@link #weight(Tensor)} (a view of the mapped file on the CPU, an upload on a GPU).
 * Ops are issued in order; a backend may run them asynchronously as long as {@link #read} returns final values.
 */
public interface Backend extends AutoCloseable {

    /** Short name for logs and bench tables ("CPU", "CUDA", "CUDA+CPU"). */
    String name();

    /** Prepares a weight tensor for this backend (called once per tensor at load). */
    Weight weight(Tensor t);

    /** Whether {@code w} was prepared by this backend (the hybrid executor routes each op to its weights' owner). */
    boolean owns(Weight w);

    /** A scratch matrix of {@code tokens × width} floats. Contents are undefined until written. */
    Activations activations(int tokens, int width);

    /** A KV cache for one sequence of up to {@code contextLength} positions. */
    KvCache kvCache(int layers, int contextLength, int kvDim, GgmlType kType, GgmlType vType);

    /** out[t] = the row tokens[t] of the embedding table, dequantized. */
    void embed(Weight table, int[] tokens, Activations out);

    /** out[t] = x[t] / rms(x[t]) · gamma (rms with eps inside the root). */
    void rmsNorm(Activations x, Weight gamma, float eps, Activations out);

    /** out[t][r] = Σ_i W[r][i] · x[t][i] for a weight with ne = {x.width, out.width}. */
    void matmul(Weight w, Activations x, Activations out);

    /**
     * Several products of the same input (q, k and v; gate and up): {@code outs[i] = ws[i] · x}. A backend can
     * quantize or stage {@code x} once and run all of them in one pass.
     */
    default void matmulShared(Weight[] ws, Activations x, Activations[] outs) {
        for (int i = 0; i < ws.length; i++) matmul(ws[i], x, outs[i]);
    }

    /**
     * In place on each head of width {@code headDim}: rotate-half ("neox") RoPE at position startPos + t with the
     * given base, then RMSNorm over the head with {@code gamma} (Hunyuan normalises q and k after RoPE).
     */
    void ropeThenNorm(Activations x, int headDim, int startPos, double ropeBase, Weight gamma, float eps);

    /**
     * Stores k, v of tokens startPos.. into the cache of {@code layer}, then causal grouped-query attention:
     * out[t] = softmax(q[t]·Kᵀ/√d) V over positions ≤ startPos + t, each KV head serving heads/kvHeads query heads.
     */
    void attention(Activations q, Activations k, Activations v, KvCache cache, int layer, int startPos, int headDim,
            Activations out);

    /** A dense SwiGLU FFN (the shared expert): acc += Wdown · (silu(Wgate x) ⊙ Wup x). */
    void ffn(Activations x, Weight gate, Weight up, Weight down, Activations acc);

    /**
     * The routed experts for a routing decided on the host: acc[t] += Σ_slots weight · FFN_id(x[t]), each expert's
     * matrices the {@code id}-th of the stacked tensors.
     */
    void routedExperts(Activations x, ExpertRouting routing, Weight gateExps, Weight upExps, Weight downExps, Activations acc);

    /**
     * The mixture-of-experts FFN: acc[t] += SharedFFN(x[t]) + Σ_{e ∈ top-k} g_e · FFN_e(x[t]) with the router's
     * softmax over all experts, renormalised over the selected ones.
     */
    void moe(Activations x, MoeWeights w, ExpertSelection selection, Activations acc);

    /**
     * A hint, given once the weights are loaded: every layer's FFN weights in the order each forward pass visits them.
     * A backend that prefetches per layer (the hybrid executor streaming experts) learns from it what comes next.
     */
    default void layerOrder(List<MoeWeights> ffns) {}

    /** acc += x, element-wise. */
    void add(Activations acc, Activations x);

    /** Copies row {@code row} of {@code a} to the host. */
    void read(Activations a, int row, float[] dst);

    /** Copies all rows of {@code a} to the host ({@code tokens × width} floats). */
    void read(Activations a, float[] dst);

    /** Copies {@code tokens × width} floats from the host into {@code a}. */
    void write(Activations a, float[] src);

    @Override
    default void close() {}
}
