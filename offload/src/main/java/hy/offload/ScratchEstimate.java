package hy.offload;

import hy.runtime.model.HunyuanConfig;
import java.util.Set;

/**
 * The compute buffers one device needs for a micro-batch of T = -ub tokens, all float32 unless noted, sized for the
 * parts of the model that device runs (a part it does not hold costs it nothing):
 * <ul>
 * <li>residual: x, its norm and a projection output, 3·T·hidden (every device that runs anything); on the device
 *     holding the model's activations but not running attention (the hybrid executor's GPU when attention is on the
 *     CPU), also the model's q, k, v and attention output 2·T·qDim + 2·T·kvDim, the executor's transfer temporary
 *     T·hidden and router logits T·experts;</li>
 * <li>attention: q and the attention output 2·T·qDim, k and v 2·T·kvDim, and flash-attention state: a partial output
 *     T·qDim (split-KV reduction) and a running max and sum per query head 2·T·heads (no T×ctx score matrix is ever
 *     materialised, so the context length does not enter);</li>
 * <li>router: logits T·experts, selected ids and weights T·top_k·(4+4 bytes);</li>
 * <li>shared expert: gate and up outputs 2·T·sharedFf;</li>
 * <li>routed experts: gate and up outputs per (token, selected expert) 2·T·top_k·expertFf, and the per-expert down
 *     outputs before the weighted sum T·top_k·hidden;</li>
 * <li>activation quantization: the widest matmul input in Q8_0 (34 bytes per 32 values):
 *     T·max(hidden, qDim, sharedFf, top_k·expertFf)·34/32;</li>
 * <li>logits: T·vocab (the model keeps logits for every row of the batch, as perplexity needs), on the device that
 *     holds the model's activations — the GPU whenever the plan uses one, as the hybrid executor keeps every batch
 *     buffer there even when the output projection runs on the CPU — and on a device computing the output;</li>
 * <li>expert staging (GPU only, when big batches stream CPU-resident experts): two layers of routed experts, one
 *     being copied while the other is computed on — accounted by the plan, not here.</li>
 * </ul>
 * An estimate: kernels may keep smaller temporaries of their own; the plan's budget margin covers them.
 */
public record ScratchEstimate(long residual, long attention, long router, long sharedExpert, long routedExperts,
        long activationQuant, long logits) {
    private static final long F32 = 4;

    public static final ScratchEstimate NONE = new ScratchEstimate(0, 0, 0, 0, 0, 0, 0);

    /**
     * @param groups the parts of the model this device holds
     * @param computesRoutedExperts whether it runs routed experts (held there, or streamed to it)
     * @param holdsActivations whether the model's batch buffers (logits included) live there
     */
    public static ScratchEstimate of(HunyuanConfig c, int ubatch, Set<TensorGroup> groups, boolean computesRoutedExperts,
            boolean holdsActivations) {
        if (groups.isEmpty() && !computesRoutedExperts && !holdsActivations) return NONE;
        long t = ubatch, h = c.hiddenSize(), q = c.qDim(), kv = c.kvDim(), k = c.expertsUsed();
        long residual = 3 * t * h * F32;
        if (holdsActivations && !groups.contains(TensorGroup.ATTENTION)) residual += (2 * t * q + 2 * t * kv + t * h + t * c.experts()) * F32;
        long attention = groups.contains(TensorGroup.ATTENTION) ? (2 * t * q + 2 * t * kv + t * q + 2 * t * c.heads()) * F32 : 0;
        long router = groups.contains(TensorGroup.ROUTER) ? t * c.experts() * F32 + t * k * 8 : 0;
        long shared = groups.contains(TensorGroup.SHARED_EXPERTS) ? 2 * t * c.sharedFf() * F32 : 0;
        long routed = computesRoutedExperts ? (2 * t * k * c.expertFf() + t * k * h) * F32 : 0;
        long widest = Math.max(Math.max(h, q), Math.max(c.sharedFf(), computesRoutedExperts ? k * c.expertFf() : 0));
        long quant = t * ((widest + 31) / 32) * 34;
        long logits = groups.contains(TensorGroup.OUTPUT) || holdsActivations ? t * c.vocabSize() * F32 : 0;
        return new ScratchEstimate(residual, attention, router, shared, routed, quant, logits);
    }

    public long total() {
        return residual + attention + router + sharedExpert + routedExperts + activationQuant + logits;
    }
}
