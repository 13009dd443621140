package hy.runtime.quant;

import hy.runtime.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Q4_K and Q5_K: 256-weight super-blocks of eight 32-weight sub-blocks, x = d·sc·q − dmin·m with 6-bit sc and m
 * ({@link KScales}). Block: half d, half dmin, 12 scale bytes, [32 bytes of fifth bits for Q5_K], 128 nibble bytes
 * where each 64 weights share 32 bytes (low nibbles first). Encoding follows quantize_row_q4_K_ref /
 * quantize_row_q5_K_ref (make_qkx2_quants per sub-block, weights rms + |x|).
 */
final class ScaleMinKCodecs {
    private ScaleMinKCodecs() {}

    static final int QK_K = 256;

    static final class Codec implements QuantCodec {
        private final GgmlType type;
        private final boolean fifthBit;
        private final int nmax;
        private final long qsOffset;
        // The search parameters ggml's reference quantizer uses for this width.
        private final float rmin;
        private final int nstep;

        private Codec(GgmlType type, boolean fifthBit, float rmin, int nstep) {
            this.type = type;
            this.fifthBit = fifthBit;
            this.nmax = fifthBit ? 31 : 15;
            this.qsOffset = 4 + KScales.BYTES + (fifthBit ? QK_K / 8 : 0);
            this.rmin = rmin;
            this.nstep = nstep;
            if (qsOffset + QK_K / 2 != type.blockBytes) throw new AssertionError(type + " layout");
        }

        static Codec q4K() {
            return new Codec(GgmlType.Q4_K, false, -1f, 20);
        }

        static Codec q5K() {
            return new Codec(GgmlType.Q5_K, true, -0.5f, 15);
        }

        @Override
        public GgmlType type() {
            return type;
        }

        @Override
        public void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
            for (int b = 0; b < n / QK_K; b++) {
                long blk = offset + (long) b * type.blockBytes;
                float d = BlockBytes.f16(src, blk);
                float min = BlockBytes.f16(src, blk + 2);
                long qh = blk + 4 + KScales.BYTES;
                int y = dstOffset + b * QK_K;
                for (int chunk = 0; chunk < 4; chunk++) {
                    long ql = blk + qsOffset + 32 * chunk;
                    for (int nib = 0; nib < 2; nib++) {
                        int is = 2 * chunk + nib;
                        float dl = d * KScales.scale(src, blk + 4, is);
                        float ml = min * KScales.min(src, blk + 4, is);
                        for (int l = 0; l < 32; l++) {
                            int q = (BlockBytes.u8(src, ql + l) >>> (4 * nib)) & 0xF;
                            if (fifthBit) q += ((BlockBytes.u8(src, qh + l) >>> is) & 1) << 4;
                            dst[y++] = dl * q - ml;
                        }
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
            Scratch s = new Scratch();
            for (int b = 0; b < n / QK_K; b++) {
                encodeBlock(src, srcOffset + b * QK_K, s);
                BlockBytes.putBytes(dst, offset + (long) b * type.blockBytes, s.out);
            }
        }

        /** Per-call working memory: quantize may run on many threads at once. */
        private final class Scratch {
            final byte[] L = new byte[QK_K];
            final byte[] laux = new byte[32];
            final float[] weights = new float[32];
            final float[] mins = new float[8];
            final float[] scales = new float[8];
            final float[] theMin = new float[1];
            final int[] ls = new int[8];
            final int[] lm = new int[8];
            final byte[] scaleField = new byte[KScales.BYTES];
            final byte[] out = new byte[type.blockBytes];
        }

        private void encodeBlock(float[] x, int xo, Scratch s) {
            float maxScale = 0;
            float maxMin = 0;
            for (int j = 0; j < 8; j++) {
                float sumX2 = 0;
                for (int l = 0; l < 32; l++) sumX2 += x[xo + 32 * j + l] * x[xo + 32 * j + l];
                float avX = (float) Math.sqrt(sumX2 / 32);
                for (int l = 0; l < 32; l++) s.weights[l] = avX + Math.abs(x[xo + 32 * j + l]);
                s.scales[j] = KQuantSearch.makeQkx2Quants(32, nmax, x, xo + 32 * j, s.weights, s.L, 32 * j, s.theMin,
                        s.laux, rmin, 0.1f, nstep);
                s.mins[j] = s.theMin[0];
                if (s.scales[j] > maxScale) maxScale = s.scales[j];
                if (s.mins[j] > maxMin) maxMin = s.mins[j];
            }
            float invScale = maxScale > 0 ? 63f / maxScale : 0f;
            float invMin = maxMin > 0 ? 63f / maxMin : 0f;
            for (int j = 0; j < 8; j++) {
                // ggml stores nearest_int into a uint8_t before clamping, so a negative value wraps and clamps to 63.
                s.ls[j] = Math.min(63, QuantMath.nearestInt(invScale * s.scales[j]) & 0xFF);
                s.lm[j] = Math.min(63, QuantMath.nearestInt(invMin * s.mins[j]) & 0xFF);
            }
            Arrays.fill(s.scaleField, (byte) 0);
            KScales.pack(s.ls, s.lm, s.scaleField);
            float d16 = BlockBytes.roundToF16(maxScale / 63f);
            float dmin16 = BlockBytes.roundToF16(maxMin / 63f);
            for (int j = 0; j < 8; j++) {
                float d = d16 * s.ls[j];
                if (d == 0) continue; // keeps the codes of the search, as ggml does
                float dm = dmin16 * s.lm[j];
                for (int ii = 0; ii < 32; ii++) {
                    s.L[32 * j + ii] = (byte) KQuantSearch.clamp(QuantMath.nearestInt((x[xo + 32 * j + ii] + dm) / d), 0, nmax);
                }
            }
            byte[] out = s.out;
            Arrays.fill(out, (byte) 0);
            short dBits = Float.floatToFloat16(maxScale / 63f);
            short mBits = Float.floatToFloat16(maxMin / 63f);
            out[0] = (byte) dBits;
            out[1] = (byte) (dBits >>> 8);
            out[2] = (byte) mBits;
            out[3] = (byte) (mBits >>> 8);
            System.arraycopy(s.scaleField, 0, out, 4, KScales.BYTES);
            int qs = (int) qsOffset;
            int qh = 4 + KScales.BYTES;
            for (int chunk = 0; chunk < 4; chunk++) {
                for (int l = 0; l < 32; l++) {
                    int l1 = s.L[64 * chunk + l];
                    int l2 = s.L[64 * chunk + l + 32];
                    if (fifthBit) {
                        out[qh + l] |= (byte) (((l1 >>> 4) << (2 * chunk)) | ((l2 >>> 4) << (2 * chunk + 1)));
                    }
                    out[qs + 32 * chunk + l] = (byte) ((l1 & 0xF) | ((l2 & 0xF) << 4));
                }
            }
        }
    }
}
