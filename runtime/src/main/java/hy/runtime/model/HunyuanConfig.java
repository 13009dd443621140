package hy.runtime.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hy.runtime.gguf.GgufFile;
import hy.runtime.gguf.GgufValue;
import hy.runtime.gguf.GgufWriter;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The shape of a Hunyuan-MoE model. Read from GGUF metadata (the {@code hunyuan-moe.*} keys llama.cpp's converter
 * writes) or from an official config.json; written back as the same GGUF keys.
 *
 * @param ropeBase RoPE base with the NTK alpha already folded in: theta · alpha^(d/(d−2))
 */
public record HunyuanConfig(
        int vocabSize,
        int hiddenSize,
        int layers,
        int heads,
        int kvHeads,
        int headDim,
        int experts,
        int expertsUsed,
        int expertFf,
        int sharedFf,
        float rmsEps,
        double ropeBase,
        int contextLength) {

    public static final String ARCH = "hunyuan-moe";
    private static final String P = ARCH + ".";

    /** The released Hunyuan-A13B (Instruct and Pretrain have the same shape). */
    public static final HunyuanConfig A13B = new HunyuanConfig(128167, 4096, 32, 32, 8, 128, 64, 8, 3072, 3072, 1e-5f,
            ropeBase(10000.0, 1000.0, 128), 262144);

    public HunyuanConfig {
        if (hiddenSize <= 0 || layers <= 0 || heads <= 0 || kvHeads <= 0 || headDim <= 0 || vocabSize <= 0) {
            throw new IllegalArgumentException("model dimensions must be positive");
        }
        if (heads % kvHeads != 0) throw new IllegalArgumentException("head_count " + heads + " is not a multiple of head_count_kv " + kvHeads);
        if (headDim % 2 != 0) throw new IllegalArgumentException("head dimension " + headDim + " must be even for RoPE");
        if (experts <= 0 || expertsUsed <= 0 || expertsUsed > experts) {
            throw new IllegalArgumentException("expert_used_count " + expertsUsed + " must be in 1.." + experts);
        }
    }

    /** theta · alpha^(d/(d−2)): the NTK-aware base Hunyuan's reference code uses (alpha = 1 leaves theta). */
    public static double ropeBase(double theta, double alpha, int headDim) {
        return theta * Math.pow(alpha, headDim / (headDim - 2.0));
    }

    public int qDim() {
        return heads * headDim;
    }

    public int kvDim() {
        return kvHeads * headDim;
    }

    public HunyuanConfig withContextLength(int n) {
        return new HunyuanConfig(vocabSize, hiddenSize, layers, heads, kvHeads, headDim, experts, expertsUsed, expertFf,
                sharedFf, rmsEps, ropeBase, n);
    }

    public HunyuanConfig withLayers(int n) {
        return new HunyuanConfig(vocabSize, hiddenSize, n, heads, kvHeads, headDim, experts, expertsUsed, expertFf,
                sharedFf, rmsEps, ropeBase, contextLength);
    }

    /** Reads the hunyuan-moe keys; the vocabulary size falls back to the token list or the embedding's rows. */
    public static HunyuanConfig fromGguf(GgufFile f) {
        String arch = f.getString("general.architecture");
        if (!arch.equals(ARCH)) {
            throw new IllegalArgumentException(f.label() + ": architecture '" + arch + "' is not " + ARCH);
        }
        int hidden = f.getInt(P + "embedding_length");
        int heads = f.getInt(P + "attention.head_count");
        int kvHeads = f.getInt(P + "attention.head_count_kv", heads);
        int headDim = f.getInt(P + "attention.key_length", hidden / heads);
        int vocab;
        if (f.has(P + "vocab_size")) vocab = f.getInt(P + "vocab_size");
        else if (f.has("tokenizer.ggml.tokens")) vocab = f.getArray("tokenizer.ggml.tokens").length();
        else if (f.hasTensor("token_embd.weight")) vocab = (int) f.tensorInfo("token_embd.weight").ne()[1];
        else throw new IllegalArgumentException(f.label() + ": cannot tell the vocabulary size");
        int rot = f.getInt(P + "rope.dimension_count", headDim);
        if (rot != headDim) {
            throw new IllegalArgumentException(f.label() + ": rope.dimension_count " + rot + " differs from the head size " + headDim
                    + " (partial rotary embeddings are not part of Hunyuan and not supported)");
        }
        int ff = f.getInt(P + "feed_forward_length", 0);
        int expertFf = f.getInt(P + "expert_feed_forward_length", ff);
        int sharedFf = f.getInt(P + "expert_shared_feed_forward_length", ff);
        return new HunyuanConfig(vocab, hidden, f.getInt(P + "block_count"), heads, kvHeads, headDim,
                f.getInt(P + "expert_count"), f.getInt(P + "expert_used_count"), expertFf, sharedFf,
                (float) f.getDouble(P + "attention.layer_norm_rms_epsilon"), f.getDouble(P + "rope.freq_base", 10000.0),
                f.getInt(P + "context_length"));
    }

    /** Reads an official (or transformers-saved) Hunyuan config.json. */
    public static HunyuanConfig fromHfConfig(Path configJson) throws IOException {
        JsonNode c = new ObjectMapper().readTree(configJson.toFile());
        int hidden = c.path("hidden_size").asInt();
        int heads = c.path("num_attention_heads").asInt();
        int headDim = c.has("attention_head_dim") ? c.path("attention_head_dim").asInt()
                : c.has("head_dim") ? c.path("head_dim").asInt() : hidden / heads;
        double theta = c.path("rope_theta").asDouble(10000.0);
        double alpha = c.path("rope_scaling").path("alpha").asDouble(1.0);
        int sharedCount = firstInt(c.path("num_shared_expert"), 1);
        int ff = c.path("intermediate_size").asInt();
        int expertFf = firstInt(c.path("moe_intermediate_size"), ff);
        int topk = firstInt(c.path("moe_topk"), 1);
        int ctx = c.path("max_position_embeddings").asInt(32768);
        return new HunyuanConfig(c.path("vocab_size").asInt(), hidden, c.path("num_hidden_layers").asInt(), heads,
                c.path("num_key_value_heads").asInt(heads), headDim, c.path("num_experts").asInt(), topk, expertFf,
                ff * sharedCount, (float) c.path("rms_norm_eps").asDouble(1e-5), ropeBase(theta, alpha, headDim), ctx);
    }

    /** A per-layer list's first value (official configs repeat one value per layer), or a scalar. */
    private static int firstInt(JsonNode n, int fallback) {
        if (n.isArray()) return n.size() == 0 ? fallback : n.get(0).asInt();
        return n.isNumber() ? n.asInt() : fallback;
    }

    /** Writes the hunyuan-moe keys llama.cpp's converter writes. */
    public void writeGguf(GgufWriter w) {
        w.put("general.architecture", GgufValue.string(ARCH));
        w.put(P + "vocab_size", GgufValue.u32(vocabSize));
        w.put(P + "context_length", GgufValue.u32(contextLength));
        w.put(P + "embedding_length", GgufValue.u32(hiddenSize));
        w.put(P + "block_count", GgufValue.u32(layers));
        w.put(P + "feed_forward_length", GgufValue.u32(expertFf));
        w.put(P + "expert_feed_forward_length", GgufValue.u32(expertFf));
        w.put(P + "expert_shared_feed_forward_length", GgufValue.u32(sharedFf));
        w.put(P + "attention.head_count", GgufValue.u32(heads));
        w.put(P + "attention.head_count_kv", GgufValue.u32(kvHeads));
        w.put(P + "attention.key_length", GgufValue.u32(headDim));
        w.put(P + "attention.value_length", GgufValue.u32(headDim));
        w.put(P + "attention.layer_norm_rms_epsilon", GgufValue.f32(rmsEps));
        w.put(P + "rope.dimension_count", GgufValue.u32(headDim));
        w.put(P + "rope.freq_base", GgufValue.f32((float) ropeBase));
        w.put(P + "rope.scaling.type", GgufValue.string("none"));
        w.put(P + "expert_count", GgufValue.u32(experts));
        w.put(P + "expert_used_count", GgufValue.u32(expertsUsed));
        w.put(P + "expert_shared_count", GgufValue.u32(1));
    }

    /** Total parameters (weights) of the model, tied output counted once. */
    public long parameterCount() {
        long attn = (long) hiddenSize * qDim() * 2 + (long) hiddenSize * kvDim() * 2 + 2L * headDim;
        long moe = (long) experts * 3 * hiddenSize * expertFf + 3L * hiddenSize * sharedFf + (long) hiddenSize * experts;
        return (long) vocabSize * hiddenSize + hiddenSize + layers * (attn + moe + 2L * hiddenSize);
    }
}
