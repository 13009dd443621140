package hy.runtime.convert;

import com.fasterxml.jackson.core.JacksonException;
import hy.runtime.gguf.GgufWriter;
import hy.runtime.tokenizer.HfTokenizerConfig;
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
 * The tokenizer of an official Hunyuan directory ({@code hy.tiktoken}, plus the chat template and add_bos_token of
 * {@code tokenizer_config.json} read by {@link HfTokenizerConfig}) written as llama.cpp's converter writes it: ranks
 * then the 210 specials, ids past the tokenizer up to the config's vocab_size as unused {@code [PADi]} entries, bos
 * forced to {@code <|bos|>}.
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
        Path configFile = dir.resolve(CONFIG_FILE);
        if (!Files.isRegularFile(configFile)) {
            TokenizerGguf.write(w, vocab, HunyuanSpecialTokens.roles(vocab), null);
            return true;
        }
        HfTokenizerConfig config;
        try {
            config = HfTokenizerConfig.read(configFile);
        } catch (JacksonException e) {
            throw new IOException(configFile + ": not valid JSON (" + e.getOriginalMessage() + ")");
        }
        TokenizerGguf.write(w, vocab, config.roles(vocab), config.chatTemplate());
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
}
