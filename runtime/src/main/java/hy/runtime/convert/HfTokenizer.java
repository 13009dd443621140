package hy.runtime.convert;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hy.runtime.gguf.GgufWriter;
import hy.runtime.tokenizer.HunyuanSpecialTokens;
import hy.runtime.tokenizer.TiktokenFile;
import hy.runtime.tokenizer.TokenType;
import hy.runtime.tokenizer.TokenizerGguf;
import hy.runtime.tokenizer.Vocabulary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The tokenizer of an official Hunyuan directory ({@code hy.tiktoken} plus the chat template from
 * {@code tokenizer_config.json}) written as llama.cpp's converter writes it: ranks then the 210 specials, ids past the
 * tokenizer up to the config's vocab_size as unused {@code [PADi]} entries, bos forced to {@code <|bos|>}.
 */
public final class HfTokenizer {
    private HfTokenizer() {}

    public static final String TIKTOKEN_FILE = "hy.tiktoken";
    public static final String CONFIG_FILE = "tokenizer_config.json";

    /** Writes the tokenizer keys when {@code dir} has hy.tiktoken; returns whether it did (false: an ids-only model). */
    public static boolean write(Path dir, int vocabSize, GgufWriter w) throws IOException {
        Path file = dir.resolve(TIKTOKEN_FILE);
        if (!Files.isRegularFile(file)) return false;
        Vocabulary vocab = padTo(TiktokenFile.read(file, HunyuanSpecialTokens.names()), vocabSize, file);
        TokenizerGguf.write(w, vocab, HunyuanSpecialTokens.roles(vocab), chatTemplate(dir.resolve(CONFIG_FILE)));
        return true;
    }

    private static Vocabulary padTo(Vocabulary v, int size, Path file) {
        if (v.size() > size) {
            throw new IllegalArgumentException(file + " holds " + v.size() + " tokens with the specials, more than config.json's vocab_size "
                    + size + "; the tokenizer does not belong to these weights");
        }
        if (v.size() == size) return v;
        byte[][] tokens = new byte[size][];
        TokenType[] types = new TokenType[size];
        int[] ranks = new int[size];
        for (int id = 0; id < size; id++) {
            boolean real = id < v.size();
            tokens[id] = real ? v.tokenBytes(id) : ("[PAD" + id + "]").getBytes(StandardCharsets.UTF_8);
            types[id] = real ? v.type(id) : TokenType.UNUSED;
            ranks[id] = real ? v.mergeRank(id) : Vocabulary.NO_RANK;
        }
        return new Vocabulary(tokens, types, ranks);
    }

    /** The "chat_template" string of tokenizer_config.json (or its "default" entry when it is a list), else null. */
    static String chatTemplate(Path config) throws IOException {
        if (!Files.isRegularFile(config)) return null;
        JsonNode t;
        try {
            t = new ObjectMapper().readTree(config.toFile()).path("chat_template");
        } catch (JacksonException e) {
            throw new IOException(config + ": not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (t.isTextual()) return t.asText();
        if (t.isArray()) {
            for (JsonNode named : t) if ("default".equals(named.path("name").asText())) return named.path("template").asText(null);
        }
        return null;
    }
}
