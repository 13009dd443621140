package hy.runtime.quant;

import hy.runtime.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The k-quants with 16-weight sub-blocks: Q2_K and Q3_K (decode only) and Q6_K (decode and encode). Q4_K and Q5_K,
 * which share a packed scale/min field, are in {@link ScaleMinKCodecs}.
 */
final class KQuantCodecs {
    private KQuantCodecs() {}

    static final int QK_K = 256;

    /** Q2_K: 16 bytes of 4-bit scale|min pairs, 64 bytes of 2-bit codes, half d, half dmin; x = d·sc·q − dmin·m. */
    static final class Q2_K implements QuantCodec {
        @Override
        public GgmlType type() {
            return GgmlType.Q2_K;
        }

        @Override
        public void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
            for (int b = 0; b < n / QK_K; b++) {
                long blk = offset + (long) b * GgmlType.Q2_K.blockBytes;
                float d = BlockBytes.f16(src, blk + 80);
                float min = BlockBytes.f16(src, blk + 82);
                int y = dstOffset + b * QK_K;
                int is = 0;
                for (int half = 0; half < 2; half++) {
                    long q = blk + 16 + 32 * half;
                    for (int shift = 0; shift < 8; shift += 2) {
                        for (int part = 0; part < 2; part++) {
                            int sc = BlockBytes.u8(src, blk + is++);
                            float dl = d * (sc & 0xF);
                            float ml = min * (sc >>> 4);
                            for (int l = 0; l < 16; l++) {
                                dst[y++] = dl * ((BlockBytes.u8(src, q + 16 * part + l) >>> shift) & 3) - ml;
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Q3_K: 32 bytes of high bits (bit set means "no −4"), 64 bytes of 2-bit codes, 12 bytes holding sixteen 6-bit
     * signed scales (biased by 32), half d; x = d·(sc−32)·(q − 4·!hbit).
     */
    static final class Q3_K implements QuantCodec {
        @Override
        public GgmlType type() {
            return GgmlType.Q3_K;
        }

        @Override
        public void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
            int[] scales = new int[16];
            for (int b = 0; b < n / QK_K; b++) {
                long blk = offset + (long) b * GgmlType.Q3_K.blockBytes;
                float dAll = BlockBytes.f16(src, blk + 108);
                long sf = blk + 96;
                for (int j = 0; j < 16; j++) {
                    int low = j < 8 ? BlockBytes.u8(src, sf + j) & 0xF : BlockBytes.u8(src, sf + j - 8) >>> 4;
                    int high = (BlockBytes.u8(src, sf + 8 + j % 4) >>> (2 * (j / 4))) & 3;
                    scales[j] = (low | (high << 4)) - 32;
                }
                int y = dstOffset + b * QK_K;
                int is = 0;
                int bit = 0;
                for (int half = 0; half < 2; half++) {
                    long q = blk + 32 + 32 * half;
                    for (int shift = 0; shift < 8; shift += 2, bit++) {
                        for (int part = 0; part < 2; part++) {
                            float dl = dAll * scales[is++];
                            for (int l = 0; l < 16; l++) {
                                int lo = (BlockBytes.u8(src, q + 16 * part + l) >>> shift) & 3;
                                int hm = (BlockBytes.u8(src, blk + 16 * part + l) >>> bit) & 1;
                                dst[y++] = dl * (lo - (hm != 0 ? 0 : 4));
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Q6_K: 128 bytes of low nibbles, 64 bytes of 2-bit high parts, 16 signed 8-bit scales, half d;
     * x = d·sc·(q − 32). Encoding follows quantize_row_q6_K_ref.
     */
    static final class Q6_K implements QuantCodec {
        @Override
        public GgmlType type() {
            return GgmlType.Q6_K;
        }

        @Override
        public void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
            for (int b = 0; b < n / QK_K; b++) {
                long blk = offset + (long) b * GgmlType.Q6_K.blockBytes;
                float d = BlockBytes.f16(src, blk + 208);
                for (int half = 0; half < 2; half++) {
                    long ql = blk + 64 * half;
                    long qh = blk + 128 + 32 * half;
                    long sc = blk + 192 + 8 * half;
                    int y = dstOffset + b * QK_K + 128 * half;
                    for (int l = 0; l < 32; l++) {
                        int is = l / 16;
                        int lo0 = BlockBytes.u8(src, ql + l);
                        int lo1 = BlockBytes.u8(src, ql + l + 32);
                        int h = BlockBytes.u8(src, qh + l);
                        int q1 = ((lo0 & 0xF) | ((h & 3) << 4)) - 32;
                        int q2 = ((lo1 & 0xF) | (((h >>> 2) & 3) << 4)) - 32;
                        int q3 = ((lo0 >>> 4) | (((h >>> 4) & 3) << 4)) - 32;
                        int q4 = ((lo1 >>> 4) | (((h >>> 6) & 3) << 4)) - 32;
                        dst[y + l] = d * BlockBytes.i8(src, sc + is) * q1;
                        dst[y + l + 32] = d * BlockBytes.i8(src, sc + is + 2) * q2;
                        dst[y + l + 64] = d * BlockBytes.i8(src, sc + is + 4) * q3;
                        dst[y + l + 96] = d * BlockBytes.i8(src, sc + is + 6) * q4;
                    }
                }
            }
        }

        @Override
        public boolean canQuantize() {
            return true;
        }

        @Override
        public void quantize(float[] src, int srcOffset, MemorySegment dst, long offset, int n) {
            byte[] L = new byte[QK_K];
            float[] scales = new float[QK_K / 16];
            byte[] block = new byte[GgmlType.Q6_K.blockBytes];
            for (int b = 0; b < n / QK_K; b++) {
                encodeBlock(src, srcOffset + b * QK_K, L, scales, block);
                BlockBytes.putBytes(dst, offset + (long) b * block.length, block);
            }
        }

        private static void encodeBlock(float[] x, int xo, byte[] L, float[] scales, byte[] out) {
            Arrays.fill(out, (byte) 0);
            float maxScale = 0;
            float maxAbsScale = 0;
            for (int ib = 0; ib < 16; ib++) {
                float scale = KQuantSearch.makeQxQuants(16, 32, x, xo + 16 * ib, L, 16 * ib);
                scales[ib] = scale;
                if (Math.abs(scale) > maxAbsScale) {
                    maxAbsScale = Math.abs(scale);
                    maxScale = scale;
                }
            }
            if (maxAbsScale < KQuantSearch.GROUP_MAX_EPS) return; // an all-zero block, d = 0
            float iscale = -128f / maxScale;
            short dBits = Float.floatToFloat16(1 / iscale);
            out[208] = (byte) dBits;
            out[209] = (byte) (dBits >>> 8);
            float d16 = Float.float16ToFloat(dBits);
            for (int ib = 0; ib < 16; ib++) out[192 + ib] = (byte) Math.min(127, QuantMath.nearestInt(iscale * scales[ib]));
            for (int j = 0; j < 16; j++) {
                float d = d16 * out[192 + j];
                if (d == 0) continue; // keeps the codes of the search, as ggml does
                for (int ii = 0; ii < 16; ii++) {
                    int l = KQuantSearch.clamp(QuantMath.nearestInt(x[xo + 16 * j + ii] / d), -32, 31);
                    L[16 * j + ii] = (byte) (l + 32);
                }
            }
            for (int half = 0; half < 2; half++) {
                int j = 128 * half;
                for (int l = 0; l < 32; l++) {
                    int q1 = L[j + l];
                    int q2 = L[j + l + 32];
                    int q3 = L[j + l + 64];
                    int q4 = L[j + l + 96];
                    out[64 * half + l] = (byte) ((q1 & 0xF) | ((q3 & 0xF) << 4));
                    out[64 * half + l + 32] = (byte) ((q2 & 0xF) | ((q4 & 0xF) << 4));
                    out[128 + 32 * half + l] = (byte) ((q1 >>> 4) | ((q2 >>> 4) << 2) | ((q3 >>> 4) << 4) | ((q4 >>> 4) << 6));
                }
            }
        }
    }
}
