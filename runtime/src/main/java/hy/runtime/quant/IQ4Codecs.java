package hy.runtime.quant;

import hy.runtime.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The non-linear 4-bit types: each nibble indexes ggml's 16-level table {@link #VALUES} (kvalues_iq4nl).
 * IQ4_NL has one half scale per 32 weights; IQ4_XS has a half super-scale per 256 weights and a 6-bit signed scale
 * (biased by 32) per 32. Both encode with quantize_row_iq4_nl_impl as quantize_iq4_nl / quantize_iq4_xs call it
 * without an importance matrix (weights x², 7 scale trials either side).
 */
final class IQ4Codecs {
    private IQ4Codecs() {}

    static final byte[] VALUES = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};
    private static final int NTRY = 7;

    /**
     * The index of the level nearest to {@code x} (ggml's best_index_int8): the upper level wins a tie. Doubled
     * midpoints keep the comparison exact.
     */
    static int bestIndex(float x) {
        float x2 = x + x;
        int idx = 0;
        for (int step = 8; step > 0; step >>= 1) {
            int j = idx + step;
            if (x2 >= (float) (VALUES[j - 1] + VALUES[j])) idx = j;
        }
        return idx;
    }

    /** Sixteen nibble bytes: low nibble of byte j is weight j, high nibble weight j+16. */
    private static void decode32(MemorySegment s, long qs, float scale, float[] dst, int y) {
        for (int j = 0; j < 16; j++) {
            int q = BlockBytes.u8(s, qs + j);
            dst[y + j] = scale * VALUES[q & 0xF];
            dst[y + j + 16] = scale * VALUES[q >>> 4];
        }
    }

    private static void encode32(byte[] L, int lOff, byte[] out, int at) {
        for (int j = 0; j < 16; j++) out[at + j] = (byte) (L[lOff + j] | (L[lOff + 16 + j] << 4));
    }

    /**
     * Finds a scale for 32 weights: starts from max/−127 (so the extreme lands on the −127 level), then tries
     * (itry − 127)/max for itry in −7..7, keeping the weighted least-squares scale with the best fit.
     */
    private static float searchScale(float[] x, int xo, float[] weight, byte[] L, int lOff) {
        float amax = 0;
        float max = 0;
        for (int j = 0; j < 32; j++) {
            float ax = Math.abs(x[xo + j]);
            if (ax > amax) {
                amax = ax;
                max = x[xo + j];
            }
        }
        if (amax < KQuantSearch.GROUP_MAX_EPS) {
            Arrays.fill(L, lOff, lOff + 32, (byte) 0);
            return 0f;
        }
        for (int j = 0; j < 32; j++) weight[j] = x[xo + j] * x[xo + j];
        float d = -max / VALUES[0];
        float id = 1 / d;
        float sumqx = 0;
        float sumq2 = 0;
        for (int j = 0; j < 32; j++) {
            int l = bestIndex(id * x[xo + j]);
            L[lOff + j] = (byte) l;
            float q = VALUES[l];
            float w = weight[j];
            sumqx += w * q * x[xo + j];
            sumq2 += w * q * q;
        }
        d = sumq2 > 0 ? sumqx / sumq2 : 0f;
        float best = d * sumqx;
        for (int itry = -NTRY; itry <= NTRY; itry++) {
            id = (itry + VALUES[0]) / max;
            sumqx = 0;
            sumq2 = 0;
            for (int j = 0; j < 32; j++) {
                float q = VALUES[bestIndex(id * x[xo + j])];
                float w = weight[j];
                sumqx += w * q * x[xo + j];
                sumq2 += w * q * q;
            }
            if (sumq2 > 0 && sumqx * sumqx > best * sumq2) {
                d = sumqx / sumq2;
                best = d * sumqx;
            }
        }
        return d;
    }

    static final class IQ4_NL implements QuantCodec {
        @Override
        public GgmlType type() {
            return GgmlType.IQ4_NL;
        }

        @Override
        public void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
            for (int b = 0; b < n / 32; b++) {
                long blk = offset + (long) b * GgmlType.IQ4_NL.blockBytes;
                decode32(src, blk + 2, BlockBytes.f16(src, blk), dst, dstOffset + 32 * b);
            }
        }

        @Override
        public boolean canQuantize() {
            return true;
        }

        @Override
        public void quantize(float[] src, int srcOffset, MemorySegment dst, long offset, int n) {
            float[] weight = new float[32];
            byte[] L = new byte[32];
            byte[] out = new byte[GgmlType.IQ4_NL.blockBytes];
            for (int b = 0; b < n / 32; b++) {
                int xo = srcOffset + 32 * b;
                float d = searchScale(src, xo, weight, L, 0);
                short dBits = Float.floatToFloat16(d);
                out[0] = (byte) dBits;
                out[1] = (byte) (dBits >>> 8);
                // ggml re-picks the levels with the unrounded scale (an all-zero block: id 0, level 8 = +1).
                float id = d != 0 ? 1 / d : 0;
                for (int j = 0; j < 32; j++) L[j] = (byte) bestIndex(id * src[xo + j]);
                encode32(L, 0, out, 2);
                BlockBytes.putBytes(dst, offset + (long) b * out.length, out);
            }
        }
    }

    static final class IQ4_XS implements QuantCodec {
        private static final int QK_K = 256;

        @Override
        public GgmlType type() {
            return GgmlType.IQ4_XS;
        }

        @Override
        public void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
            for (int b = 0; b < n / QK_K; b++) {
                long blk = offset + (long) b * GgmlType.IQ4_XS.blockBytes;
                float d = BlockBytes.f16(src, blk);
                int scalesH = BlockBytes.u16(src, blk + 2);
                for (int ib = 0; ib < 8; ib++) {
                    int ls = ((BlockBytes.u8(src, blk + 4 + ib / 2) >>> (4 * (ib % 2))) & 0xF) | (((scalesH >>> (2 * ib)) & 3) << 4);
                    decode32(src, blk + 8 + 16 * ib, d * (ls - 32), dst, dstOffset + b * QK_K + 32 * ib);
                }
            }
        }

        @Override
        public boolean canQuantize() {
            return true;
        }

        @Override
        public void quantize(float[] src, int srcOffset, MemorySegment dst, long offset, int n) {
            float[] weight = new float[32];
            float[] scales = new float[8];
            byte[] L = new byte[QK_K];
            byte[] out = new byte[GgmlType.IQ4_XS.blockBytes];
            for (int b = 0; b < n / QK_K; b++) {
                encodeBlock(src, srcOffset + b * QK_K, weight, scales, L, out);
                BlockBytes.putBytes(dst, offset + (long) b * out.length, out);
            }
        }

        private static void encodeBlock(float[] x, int xo, float[] weight, float[] scales, byte[] L, byte[] out) {
            Arrays.fill(out, (byte) 0);
            float maxScale = 0;
            float amaxScale = 0;
            for (int ib = 0; ib < 8; ib++) {
                scales[ib] = searchScale(x, xo + 32 * ib, weight, L, 32 * ib);
                float absD = Math.abs(scales[ib]);
                if (absD > amaxScale) {
                    amaxScale = absD;
                    maxScale = scales[ib];
                }
            }
            // The super-scale maps the largest sub-scale to −32, the end of the signed 6-bit range.
            float d = -maxScale / 32;
            short dBits = Float.floatToFloat16(d);
            out[0] = (byte) dBits;
            out[1] = (byte) (dBits >>> 8);
            float id = d != 0 ? 1 / d : 0f;
            int scalesH = 0;
            for (int ib = 0; ib < 8; ib++) {
                int l = KQuantSearch.clamp(QuantMath.nearestInt(id * scales[ib]), -32, 31);
                float dl = d * l;
                float idl = dl != 0 ? 1 / dl : 0f;
                for (int j = 0; j < 32; j++) L[32 * ib + j] = (byte) bestIndex(idl * x[xo + 32 * ib + j]);
                l += 32;
                out[4 + ib / 2] |= (byte) ((l & 0xF) << (4 * (ib % 2)));
                scalesH |= (l >>> 4) << (2 * ib);
                encode32(L, 32 * ib, out, 8 + 16 * ib);
            }
            out[2] = (byte) scalesH;
            out[3] = (byte) (scalesH >>> 8);
        }
    }
}
