package hy.runtime.tokenizer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Hunyuan's 210 special tokens, which follow the 127957 ranks of hy.tiktoken: {@code <|endoftext|>},
 * {@code <|startoftext|>}, {@code <|bos|>}, {@code <|eos|>}, {@code <|pad|>}, then {@code <|extra_0|>} ..
 * {@code <|extra_204|>}. The chat template uses {@code <|startoftext|>} (begin of a turn), {@code <|extra_4|>} (end of
 * the system prompt), {@code <|extra_0|>} (end of a user or tool turn) and {@code <|eos|>} (end of an assistant turn).
 */
public final class HunyuanSpecialTokens {
    private HunyuanSpecialTokens() {}

    public static final String ENDOFTEXT = "<|endoftext|>";
    public static final String STARTOFTEXT = "<|startoftext|>";
    public static final String BOS = "<|bos|>";
    public static final String EOS = "<|eos|>";
    public static final String PAD = "<|pad|>";
    /** Ends a user or tool turn. */
    public static final String END_OF_USER = extra(0);
    /** Ends the system prompt. */
    public static final String END_OF_SYSTEM = extra(4);

    /** Number of extra tokens ({@code <|extra_0|>} .. {@code <|extra_204|>}). */
    public static final int EXTRA_COUNT = 205;

    private static final List<String> NAMES;

    static {
        List<String> names = new ArrayList<>(List.of(ENDOFTEXT, STARTOFTEXT, BOS, EOS, PAD));
        for (int i = 0; i < EXTRA_COUNT; i++) names.add(extra(i));
        NAMES = Collections.unmodifiableList(names);
    }

    /** {@code <|extra_i|>}. */
    public static String extra(int i) {
        return "<|extra_" + i + "|>";
    }

    /** The special token texts in id order; the first takes the id right after the last tiktoken rank. */
    public static List<String> names() {
        return NAMES;
    }

    /** The ids llama.cpp's converter stores for Hunyuan (bos forced to {@code <|bos|>}; config.json's 1 is wrong). */
    public static SpecialTokens roles(Vocabulary vocab) {
        return SpecialTokens.of(vocab, vocab.specialId(BOS), vocab.specialId(EOS), vocab.specialId(ENDOFTEXT),
                vocab.specialId(PAD), vocab.specialId(END_OF_USER), false);
    }
}
