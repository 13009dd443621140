package hy.runtime.tokenizer;

import java.util.Arrays;

/** UTF-8 helpers for the tokenizer's hot paths (no intermediate String or ByteBuffer). */
final class Utf8 {
    private Utf8() {}

    /**
     * Encodes text[from, to) into {@code out} starting at 0, growing it if needed; returns the (possibly new) array.
     * The byte count is left in {@code length[0]}. An unpaired surrogate becomes U+FFFD, as tiktoken's Python wrapper
     * does before encoding.
     */
    static byte[] encode(String text, int from, int to, byte[] out, int[] length) {
        int max = (to - from) * 3;
        if (out.length < max) out = new byte[Math.max(max, out.length * 2)];
        int n = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                out[n++] = (byte) c;
            } else if (c < 0x800) {
                out[n++] = (byte) (0xC0 | (c >> 6));
                out[n++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isSurrogate(c)) {
                char d = i + 1 < to ? text.charAt(i + 1) : 0;
                if (Character.isHighSurrogate(c) && Character.isLowSurrogate(d)) {
                    int cp = Character.toCodePoint(c, d);
                    out[n++] = (byte) (0xF0 | (cp >> 18));
                    out[n++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                    out[n++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                    out[n++] = (byte) (0x80 | (cp & 0x3F));
                    i++;
                } else {
                    out[n++] = (byte) 0xEF;
                    out[n++] = (byte) 0xBF;
                    out[n++] = (byte) 0xBD;
                }
            } else {
                out[n++] = (byte) (0xE0 | (c >> 12));
                out[n++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                out[n++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        length[0] = n;
        return out;
    }

    /**
     * How many of the last bytes of b[0, len) form the start of a UTF-8 sequence that more bytes could still complete
     * (0 when the buffer ends on a character boundary or with bytes that can never become valid).
     */
    static int incompleteTail(byte[] b, int len) {
        for (int back = 1; back <= 3 && back <= len; back++) {
            int x = b[len - back] & 0xFF;
            if ((x & 0xC0) == 0x80) continue; // continuation byte: keep looking for the lead byte
            int need = x >= 0xF0 && x <= 0xF4 ? 4 : x >= 0xE0 ? 3 : x >= 0xC2 && x < 0xE0 ? 2 : 1;
            if (need <= back || x >= 0xF5) return 0;
            // The second byte of E0/ED/F0/F4 sequences has a narrower range; out of range means never valid.
            if (back >= 2) {
                int second = b[len - back + 1] & 0xFF;
                if ((x == 0xE0 && second < 0xA0) || (x == 0xED && second > 0x9F)
                        || (x == 0xF0 && second < 0x90) || (x == 0xF4 && second > 0x8F)) {
                    return 0;
                }
            }
            return back;
        }
        return 0;
    }

    static byte[] grow(byte[] b, int needed) {
        return needed <= b.length ? b : Arrays.copyOf(b, Math.max(needed, b.length * 2));
    }
}
