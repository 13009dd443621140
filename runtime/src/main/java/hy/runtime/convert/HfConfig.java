package hy.runtime.convert;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hy.runtime.model.HunyuanConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * What a converter needs from an official Hunyuan {@code config.json}: the model shape plus the facts that decide
 * the file layout (tied output, shared-expert count), checked the way llama.cpp's converter checks them.
 *
 * @param config the shape; its context length follows llama.cpp's converter (see {@link #read})
 * @param tiedEmbeddings whether the output projection is the token embedding (no output.weight is written)
 * @param sharedExperts {@code num_shared_expert}, written as expert_shared_count
 * @param dynamicRope whether {@code rope_scaling.type} is "dynamic" (Hunyuan's NTK alpha scaling)
 */
public record HfConfig(HunyuanConfig config, boolean tiedEmbeddings, int sharedExperts, boolean dynamicRope) {

    public static final String ARCHITECTURE = "HunYuanMoEV1ForCausalLM";
    /** The context llama.cpp's converter writes for alpha-scaled RoPE (the config's 32768 understates it). */
    public static final int DYNAMIC_ROPE_CONTEXT = 256 * 1024;

    /**
     * Reads {@code dir/config.json} (tie_word_embeddings defaults to true, as in transformers). With dynamic (alpha) RoPE scaling the context length is 262144, as llama.cpp's
     * HunYuanMoEModel writes regardless of {@code max_position_embeddings}; otherwise it is max_position_embeddings.
     */
    public static HfConfig read(Path dir) throws IOException {
        Path file = dir.resolve("config.json");
        if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString(), null, "no config.json in the model directory");
        JsonNode c;
        try {
            c = new ObjectMapper().readTree(file.toFile());
        } catch (JacksonException e) {
            throw new IOException(file + ": not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (c == null || !c.isObject()) throw new IOException(file + ": not a JSON object");
        JsonNode arch = c.path("architectures");
        if (arch.isArray() && !arch.isEmpty() && !containsText(arch, ARCHITECTURE)) {
            throw new IOException(file + ": architectures " + arch + " is not " + ARCHITECTURE + " (Hunyuan-A13B)");
        }
        for (String key : new String[] {"hidden_size", "num_hidden_layers", "num_attention_heads", "num_experts", "vocab_size", "intermediate_size"}) {
            if (!c.path(key).canConvertToInt() || c.path(key).asInt() <= 0) {
                throw new IOException(file + ": \"" + key + "\" is missing or not a positive integer");
            }
        }
        for (String key : new String[] {"use_cla", "use_mla", "attention_bias", "mlp_bias"}) {
            if (c.path(key).asBoolean(false)) throw new IOException(file + ": \"" + key + "\": true is not supported by hunyuan-moe GGUF files");
        }
        int shared = uniform(c, "num_shared_expert", file);
        uniform(c, "moe_topk", file);
        uniform(c, "moe_intermediate_size", file);
        HunyuanConfig shape;
        try {
            shape = HunyuanConfig.fromHfConfig(file);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage());
        }
        boolean dynamic = "dynamic".equals(c.path("rope_scaling").path("type").asText(""));
        if (dynamic) shape = shape.withContextLength(DYNAMIC_ROPE_CONTEXT);
        return new HfConfig(shape, c.path("tie_word_embeddings").asBoolean(true), shared, dynamic);
    }

    private static boolean containsText(JsonNode array, String s) {
        for (JsonNode n : array) if (s.equals(n.asText())) return true;
        return false;
    }

    /** A per-layer list must hold one value (GGUF stores one); returns it (1 when the key is absent). */
    private static int uniform(JsonNode c, String key, Path file) throws IOException {
        JsonNode n = c.path(key);
        if (n.isMissingNode()) return 1;
        if (n.isArray()) {
            if (n.isEmpty()) throw new IOException(file + ": \"" + key + "\" is an empty list");
            for (JsonNode v : n) {
                if (v.asInt() != n.get(0).asInt()) throw new IOException(file + ": \"" + key + "\" differs between layers " + n + "; hunyuan-moe GGUF stores one value");
            }
            return n.get(0).asInt();
        }
        return n.asInt();
    }
}
