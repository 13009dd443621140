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

    /**
     * Every field checked against what a Hunyuan-MoE model can be, the message naming the GGUF key and the value (a
     * broken file's metadata ends here, as does a bad config.json): no later division by zero, overflow or NaN.
     */
    public HunyuanConfig {
        range("vocab_size", vocabSize, 1, 1 << 24);
        range("embedding_length", hiddenSize, 1, 1 << 16);
        range("block_count", layers, 1, 1024);
        range("attention.head_count", heads, 1, 1024);
        range("attention.head_count_kv", kvHeads, 1, heads);
        if (heads % kvHeads != 0) throw invalid("attention.head_count_kv", kvHeads, "must divide attention.head_count " + heads);
        range("attention.key_length", headDim, 2, 1024);
        if (headDim % 2 != 0) throw invalid("attention.key_length", headDim, "must be even for RoPE");
        range("expert_count", experts, 1, 1024);
        range("expert_used_count", expertsUsed, 1, experts);
        range("expert_feed_forward_length", expertFf, 1, 1 << 20);
        range("expert_shared_feed_forward_length", sharedFf, 0, 1 << 20);
        range("context_length", contextLength, 1, 1 << 24);
        if (!(rmsEps > 0 && rmsEps < 1)) throw invalid("attention.layer_norm_rms_epsilon", rmsEps, "must be a number in (0, 1)");
        if (!(ropeBase > 0 && Double.isFinite(ropeBase))) throw invalid("rope.freq_base", ropeBase, "must be a finite number > 0");
    }

    private static void range(String key, long value, long min, long max) {
        if (value < min || value > max) throw invalid(key, value, "must be " + min + ".." + max);
    }

    private static IllegalArgumentException invalid(String key, Object value, String rule) {
        return new IllegalArgumentException(P + key + " = " + value + ": " + rule);
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
        try {
            return readGguf(f);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(f.label() + ": " + e.getMessage(), e);
        }
    }

    private static HunyuanConfig readGguf(GgufFile f) {
        int hidden = f.getInt(P + "embedding_length");
        int heads = f.getInt(P + "attention.head_count");
        if (heads <= 0) throw invalid("attention.head_count", heads, "must be 1..1024");
        int kvHeads = f.getInt(P + "attention.head_count_kv", heads);
        int headDim = f.getInt(P + "attention.key_length", hidden / heads);
        if (f.has(P + "rope.scaling.type")) {
            String scaling = f.getString(P + "rope.scaling.type");
            if (!scaling.equals("none")) {
                throw invalid("rope.scaling.type", "'" + scaling + "'", "only 'none' is supported (Hunyuan's NTK alpha is "
                        + "folded into rope.freq_base)");
            }
        }
        int vocab;
        if (f.has(P + "vocab_size")) vocab = f.getInt(P + "vocab_size");
        else if (f.has("tokenizer.ggml.tokens")) vocab = f.getArray("tokenizer.ggml.tokens").length();
        else if (f.hasTensor("token_embd.weight")) vocab = (int) f.tensorInfo("token_embd.weight").ne()[1];
        else throw new IllegalArgumentException("cannot tell the vocabulary size");
        int rot = f.getInt(P + "rope.dimension_count", headDim);
        if (rot != headDim) {
            throw new IllegalArgumentException("rope.dimension_count " + rot + " differs from the head size " + headDim
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
