package hy.runtime.tokenizer;

/**
 * The role of a vocabulary entry, with the integer codes llama.cpp stores in {@code tokenizer.ggml.token_type}.
 * Only {@link #NORMAL} entries take part in byte-pair merging; {@link #CONTROL} and {@link #USER_DEFINED} entries are
 * matched as whole strings in text (when special tokens are allowed); {@link #UNUSED} entries are never produced.
 */
public enum TokenType {
    UNDEFINED(0), NORMAL(1), UNKNOWN(2), CONTROL(3), USER_DEFINED(4), UNUSED(5), BYTE(6);

    /** The code in GGUF's token_type array. */
    public final int code;

    TokenType(int code) {
        this.code = code;
    }

    /** The type with this GGUF code; unknown codes read as {@link #NORMAL}, as llama.cpp treats them. */
    public static TokenType ofCode(int code) {
        for (TokenType t : values()) {
            if (t.code == code) return t;
        }
        return NORMAL;
    }

    /** True for entries whose text is matched literally instead of being built from bytes by merging. */
    public boolean isSpecial() {
        return this == CONTROL || this == USER_DEFINED;
    }

    /** True for entries that byte-pair encoding may produce. */
    public boolean isMergeable() {
        return this == NORMAL || this == BYTE || this == UNDEFINED;
    }
}
