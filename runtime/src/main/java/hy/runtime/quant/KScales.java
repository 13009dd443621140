package hy.runtime.quant;

import java.lang.foreign.MemorySegment;

/**
 * The 12-byte field of Q4_K and Q5_K holding eight 6-bit scales and eight 6-bit mins: sub-blocks 0–3 keep theirs in
 * the low 6 bits of bytes 0–3 (scales) and 4–7 (mins); sub-blocks 4–7 split theirs into a nibble in bytes 8–11 and
 * two high bits in the spare top bits of bytes 0–7 (ggml's get_scale_min_k4).
 */
final class KScales {
    private KScales() {}

    static final int BYTES = 12;

    static int scale(MemorySegment s, long field, int j) {
        if (j < 4) return BlockBytes.u8(s, field + j) & 63;
        return (BlockBytes.u8(s, field + j + 4) & 0xF) | ((BlockBytes.u8(s, field + j - 4) >>> 6) << 4);
    }

    static int min(MemorySegment s, long field, int j) {
        if (j < 4) return BlockBytes.u8(s, field + j + 4) & 63;
        return (BlockBytes.u8(s, field + j + 4) >>> 4) | ((BlockBytes.u8(s, field + j) >>> 6) << 4);
    }

    /** Packs 6-bit {@code scales[j]} and {@code mins[j]} (j = 0..7) into {@code out[0..11]}. */
    static void pack(int[] scales, int[] mins, byte[] out) {
        for (int j = 0; j < 8; j++) {
            int ls = scales[j];
            int lm = mins[j];
            if (j < 4) {
                out[j] = (byte) ls;
                out[j + 4] = (byte) lm;
            } else {
                out[j + 4] = (byte) ((ls & 0xF) | ((lm & 0xF) << 4));
                out[j - 4] |= (byte) ((ls >>> 4) << 6);
                out[j] |= (byte) ((lm >>> 4) << 6);
            }
        }
    }
}
