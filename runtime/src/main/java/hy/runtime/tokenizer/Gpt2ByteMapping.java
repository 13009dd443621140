package hy.runtime.tokenizer;

import java.util.Arrays;

/**
 * GPT-2's reversible byte-to-character mapping, used for token and merge strings in GGUF
 * ({@code tokenizer.ggml.tokens}, {@code tokenizer.ggml.merges}): printable bytes 0x21–0x7E, 0xA1–0xAC and 0xAE–0xFF
 * stand for themselves; the other 68 bytes map, in byte order, to U+0100 upwards (space becomes 'Ġ' U+0120, LF 'Ċ'
 * U+010A). Every string is then printable and contains no space, so a merge can be written as "left right".
 */
public final class Gpt2ByteMapping {
    private Gpt2ByteMapping() {}

    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final int[] CHAR_TO_BYTE = new int[0x100 + 68];

    static {
        Arrays.fill(CHAR_TO_BYTE, -1);
        int shifted = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) (0x100 + shifted++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    /** The mapped string of bytes[from, to). */
    public static String encode(byte[] bytes, int from, int to) {
        char[] chars = new char[to - from];
        for (int i = from; i < to; i++) chars[i - from] = BYTE_TO_CHAR[bytes[i] & 0xFF];
        return new String(chars);
    }

    public static String encode(byte[] bytes) {
        return encode(bytes, 0, bytes.length);
    }

    /** The bytes a mapped string stands for, or null when it contains a character outside the mapping. */
    public static byte[] decode(String mapped) {
        byte[] out = new byte[mapped.length()];
        for (int i = 0; i < out.length; i++) {
            char c = mapped.charAt(i);
            int b = c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
            if (b < 0) return null;
            out[i] = (byte) b;
        }
        return out;
    }
}
