package hy.runtime.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The parts of a Hugging Face {@code tokenizer_config.json} that go into a GGUF: the Jinja chat template and
 * {@code add_bos_token} (absent in Hunyuan's, which means false).
 *
 * @param chatTemplate the template text, or null when the file has none
 */
public record HfTokenizerConfig(String chatTemplate, boolean addBosToken) {

    public static HfTokenizerConfig read(Path tokenizerConfigJson) throws IOException {
        JsonNode root = new ObjectMapper().readTree(tokenizerConfigJson.toFile());
        if (root == null || !root.isObject()) {
            throw new IOException(tokenizerConfigJson + ": not a JSON object");
        }
        JsonNode template = root.get("chat_template");
        JsonNode addBos = root.get("add_bos_token");
        return new HfTokenizerConfig(template != null && template.isTextual() ? template.asText() : null,
                addBos != null && addBos.asBoolean(false));
    }

    /** Hunyuan's roles with this config's add_bos_token applied. */
    public SpecialTokens roles(Vocabulary vocab) {
        SpecialTokens s = HunyuanSpecialTokens.roles(vocab);
        return SpecialTokens.of(vocab, s.bos(), s.eos(), s.eot(), s.padding(), s.separator(), addBosToken);
    }
}
