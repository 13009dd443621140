package hy.cuda.kernels;

import hy.cuda.KernelArgs;
import hy.cuda.KernelRunner;
import hy.cuda.PtxModule;

/**
 * kv_cache.cu, attention_decode.cu and attention_prefill.cu: writes a batch's keys and values into one layer's cache,
 * then causal grouped-query attention over every cached position. Prompts with an f16/bf16/q8_0 cache and a head size
 * of 64 or 128 run the tensor-core flash attention; everything else (decode, F32 caches, other head sizes) the
 * float32 split-K kernels, whose partial results need {@link KernelGeometry#attentionPartialFloats} floats of scratch.
 */
public final class AttentionLauncher {
    private final KernelRunner runner;

    public AttentionLauncher(KernelRunner runner) {
        this.runner = runner;
    }

    /** Head layout; throws when the kernels cannot serve it. */
    public record Heads(int heads, int kvHeads, int headDim) {
        public Heads {
            if (heads <= 0 || kvHeads <= 0 || heads % kvHeads != 0) throw new IllegalArgumentException(heads + " heads over " + kvHeads + " KV heads");
            if (heads / kvHeads > KernelGeometry.ATTN_MAX_GROUP) {
                throw new IllegalArgumentException((heads / kvHeads) + " query heads per KV head; the CUDA attention serves up to " + KernelGeometry.ATTN_MAX_GROUP);
            }
            if (headDim <= 0 || headDim % 2 != 0 || headDim > KernelGeometry.ATTN_MAX_HEAD_DIM) {
                throw new IllegalArgumentException("head dimension " + headDim + ": the CUDA attention takes even sizes up to " + KernelGeometry.ATTN_MAX_HEAD_DIM);
            }
        }

        public int kvDim() {
            return kvHeads * headDim;
        }
    }

    public static boolean usesTensorCores(KvFormat f, int headDim, int tokens) {
        if (!f.tensorCores() || tokens <= KernelGeometry.MATVEC_MAX_TOKENS) return false;
        for (int d : KernelGeometry.ATTN_PREFILL_HEAD_DIMS) if (d == headDim) return true;
        return false;
    }

    /** Splits of the float32 path: many for a few tokens (decode), one for a batch (its blocks fill the GPU). */
    public static int splits(int tokens, int contextLength) {
        return tokens <= KernelGeometry.MATVEC_MAX_TOKENS ? KernelGeometry.attentionSplits(contextLength) : 1;
    }

    /** Scratch floats {@link #attend} needs for this batch. */
    public static long scratchFloats(KvFormat f, Heads h, int tokens, int contextLength) {
        if (usesTensorCores(f, h.headDim(), tokens)) return 0;
        return KernelGeometry.attentionPartialFloats(tokens, h.heads(), splits(tokens, contextLength), h.headDim());
    }

    /**
     * Encodes k and v rows of {@code tokens} tokens into the layer's cache rows startPos.. (both caches in format f).
     * @param startPos device address of the int position of token 0
     */
    public void store(KvFormat f, long k, long v, long kCache, long vCache, long rowBytes, long startPos, int tokens, int kvDim) {
        if (kvDim % 32 != 0) throw new IllegalArgumentException("KV width " + kvDim + " is not a multiple of 32");
        runner.launch(PtxModule.KV_CACHE, "kv_store_" + f.suffix(), KernelGeometry.kvStore(tokens),
                new KernelArgs().ptr(k).ptr(v).ptr(kCache).ptr(vCache).i64(rowBytes).i64(rowBytes).ptr(startPos).i32(kvDim));
    }

    /** out[t] = softmax(q[t] K^T / sqrt(d)) V over positions up to startPos + t. */
    public void attend(KvFormat f, Heads h, long q, long kCache, long vCache, long rowBytes, long startPos, int tokens,
            int contextLength, long scratch, long out) {
        float scale = (float) (1.0 / Math.sqrt(h.headDim()));
        if (usesTensorCores(f, h.headDim(), tokens)) {
            runner.launch(PtxModule.ATTENTION_PREFILL, "attn_prefill_" + f.suffix() + "_hd" + h.headDim(),
                    KernelGeometry.attentionPrefill(tokens, h.heads()),
                    new KernelArgs().ptr(q).ptr(kCache).ptr(vCache).i64(rowBytes).i64(rowBytes).ptr(startPos).i32(tokens)
                            .i32(h.heads()).i32(h.kvHeads()).f32(scale).ptr(out));
            return;
        }
        int splits = splits(tokens, contextLength);
        runner.launch(PtxModule.ATTENTION_DECODE, "attn_split_" + f.suffix(), KernelGeometry.attentionSplit(splits, h.kvHeads(), tokens),
                new KernelArgs().ptr(q).ptr(kCache).ptr(vCache).i64(rowBytes).i64(rowBytes).ptr(startPos).i32(h.heads())
                        .i32(h.kvHeads()).i32(h.headDim()).i32(splits).f32(scale).ptr(scratch));
        runner.launch(PtxModule.ATTENTION_DECODE, "attn_combine", KernelGeometry.attentionCombine(h.heads(), tokens),
                new KernelArgs().ptr(scratch).i32(h.heads()).i32(h.headDim()).i32(splits).ptr(out));
    }
}
