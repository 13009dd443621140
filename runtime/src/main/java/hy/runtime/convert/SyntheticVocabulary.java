package hy.runtime.convert;

import hy.runtime.tokenizer.HunyuanSpecialTokens;
import hy.runtime.tokenizer.TiktokenFile;
import hy.runtime.tokenizer.TokenType;
import hy.runtime.tokenizer.Vocabulary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Vocabularies for synthetic models, laid out like Hunyuan's: byte-level BPE tokens from id 0, unused
 * {@code [PADi]} slots where a vocabulary is larger than its tokens (llama.cpp's converter convention), and the 210
 * Hunyuan special tokens at the top ids, so that chat formatting and stop tokens work as on the real model.
 */
public final class SyntheticVocabulary {
    private SyntheticVocabulary() {}

    private static final int SPECIALS = HunyuanSpecialTokens.names().size();

    /** The smallest vocabulary that holds the 256 byte tokens and the specials. */
    public static final int MIN_SIZE = 256 + SPECIALS;

    /**
     * The 256 single bytes as tokens (no merges: text encodes byte by byte) in hy.tiktoken's order (its first 256
     * ranks, GPT-2's byte-to-unicode order), then unused slots, then the specials; {@code size} ids in all.
     */
    public static Vocabulary bytes(int size) {
        requireSize(size);
        byte[][] tokens = new byte[256][];
        int id = 0;
        for (int b : gpt2ByteOrder()) tokens[id++] = new byte[] {(byte) b};
        return layout(tokens, size);
    }

    /** The lowest {@code size − 210} ranks of a tiktoken file (e.g. hy.tiktoken), then the specials. */
    public static Vocabulary fromTiktoken(Path file, int size) throws IOException {
        requireSize(size);
        Vocabulary full = TiktokenFile.read(file, List.of());
        int ranks = Math.min(full.size(), size - SPECIALS);
        byte[][] tokens = new byte[ranks][];
        for (int r = 0; r < ranks; r++) tokens[r] = full.tokenBytes(r);
        return layout(tokens, size);
    }

    private static void requireSize(int size) {
        if (size < MIN_SIZE) {
            throw new IllegalArgumentException("a vocabulary of " + size + " tokens cannot hold 256 byte tokens and Hunyuan's "
                    + SPECIALS + " special tokens (needs at least " + MIN_SIZE + "); use a larger --vocab-size or no vocabulary");
        }
    }

    private static Vocabulary layout(byte[][] ranked, int size) {
        byte[][] tokens = new byte[size][];
        TokenType[] types = new TokenType[size];
        int[] ranks = new int[size];
        int firstSpecial = size - SPECIALS;
        for (int id = 0; id < size; id++) {
            if (id < ranked.length) {
                tokens[id] = ranked[id];
                types[id] = TokenType.NORMAL;
                ranks[id] = id;
            } else if (id < firstSpecial) {
                tokens[id] = ("[PAD" + id + "]").getBytes(StandardCharsets.UTF_8);
                types[id] = TokenType.UNUSED;
                ranks[id] = Vocabulary.NO_RANK;
            } else {
                tokens[id] = HunyuanSpecialTokens.names().get(id - firstSpecial).getBytes(StandardCharsets.UTF_8);
                types[id] = TokenType.CONTROL;
                ranks[id] = Vocabulary.NO_RANK;
            }
        }
        return new Vocabulary(tokens, types, ranks);
    }

    /** Printable bytes first (0x21–0x7E, 0xA1–0xAC, 0xAE–0xFF), then the rest in byte order. */
    private static int[] gpt2ByteOrder() {
        int[] order = new int[256];
        int n = 0;
        for (int b = 0; b < 256; b++) if (isPrintable(b)) order[n++] = b;
        for (int b = 0; b < 256; b++) if (!isPrintable(b)) order[n++] = b;
        return order;
    }

    private static boolean isPrintable(int b) {
        return (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    }
}
