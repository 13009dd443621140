package hy.runtime.quant;

import hy.runtime.tensor.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * ggml's original 32-weight blocks: Q4_0, Q4_1, Q5_0, Q5_1 (one parameterised codec) and Q8_0.
 * Quantization follows quantize_row_*_ref, which is what llama-quantize uses for these types without an imatrix.
 */
final class LegacyCodecs {
    private LegacyCodecs() {}

    static final int QK = 32;

    /**
     * Q4_0 / Q4_1 / Q5_0 / Q5_1. Block: half d, [half m], [u32 fifth bits], 16 bytes of nibbles; weight j sits in the
     * low nibble of byte j and weight j+16 in the high nibble. Symmetric types store q - 2^(bits-1); the "_1" types
     * store x = q·d + m.
     */
    static final class Nibble implements QuantCodec {
        private final GgmlType type;
        private final boolean fifthBit;
        private final boolean hasMin;
        private final int qhOffset;
        private final int qsOffset;
        private final int maxQ;

        Nibble(GgmlType type, boolean fifthBit, boolean hasMin) {
            this.type = type;
            this.fifthBit = fifthBit;
            this.hasMin = hasMin;
            this.qhOffset = hasMin ? 4 : 2;
            this.qsOffset = qhOffset + (fifthBit ? 4 : 0);
            this.maxQ = fifthBit ? 31 : 15;
            if (qsOffset + QK / 2 != type.blockBytes) throw new AssertionError(type + " layout");
        }

        @Override
        public GgmlType type() {
            return type;
        }

        @Override
        public void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
            int bias = hasMin ? 0 : (maxQ + 1) / 2;
            for (int b = 0; b < n / QK; b++) {
                long blk = offset + (long) b * type.blockBytes;
                int y = dstOffset + b * QK;
                float d = BlockBytes.f16(src, blk);
                float m = hasMin ? BlockBytes.f16(src, blk + 2) : 0f;
                int qh = fifthBit ? BlockBytes.u32(src, blk + qhOffset) : 0;
                for (int j = 0; j < QK / 2; j++) {
                    int q = BlockBytes.u8(src, blk + qsOffset + j);
                    int q0 = (q & 0x0F) | (((qh >>> j) & 1) << 4);
                    int q1 = (q >>> 4) | (((qh >>> (j + 16)) & 1) << 4);
                    if (hasMin) {
                        dst[y + j] = q0 * d + m;
                        dst[y + j + 16] = q1 * d + m;
                    } else {
                        dst[y + j] = (q0 - bias) * d;
                        dst[y + j + 16] = (q1 - bias) * d;
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
            int[] q = new int[QK];
            for (int b = 0; b < n / QK; b++) {
                long blk = offset + (long) b * type.blockBytes;
                int x = srcOffset + b * QK;
                if (hasMin) quantizeAffine(src, x, dst, blk, q);
                else quantizeSymmetric(src, x, dst, blk, q);
                int qh = 0;
                for (int j = 0; j < QK / 2; j++) {
                    BlockBytes.putU8(dst, blk + qsOffset + j, (q[j] & 0x0F) | ((q[j + 16] & 0x0F) << 4));
                    qh |= ((q[j] >>> 4) & 1) << j;
                    qh |= ((q[j + 16] >>> 4) & 1) << (j + 16);
                }
                if (fifthBit) BlockBytes.putU32(dst, blk + qhOffset, qh);
            }
        }

        /** The signed extreme maps to -2^(bits-1), so the scale keeps its sign and the full code range is used. */
        private void quantizeSymmetric(float[] src, int x, MemorySegment dst, long blk, int[] q) {
            float amax = 0f;
            float max = 0f;
            for (int j = 0; j < QK; j++) {
                float v = src[x + j];
                if (amax < Math.abs(v)) {
                    amax = Math.abs(v);
                    max = v;
                }
            }
            float half = (maxQ + 1) / 2;
            float d = max / -half;
            float id = d != 0f ? 1.0f / d : 0.0f;
            BlockBytes.putF16(dst, blk, d);
            float shift = half + 0.5f;
            // ggml truncates (int8_t)(x·id + 8.5f) rather than rounding: the +0.5 does the rounding.
            for (int j = 0; j < QK; j++) q[j] = Math.min(maxQ, (int) (src[x + j] * id + shift));
        }

        private void quantizeAffine(float[] src, int x, MemorySegment dst, long blk, int[] q) {
            float min = Float.MAX_VALUE;
            float max = -Float.MAX_VALUE;
            for (int j = 0; j < QK; j++) {
                float v = src[x + j];
                if (v < min) min = v;
                if (v > max) max = v;
            }
            float d = (max - min) / maxQ;
            float id = d != 0f ? 1.0f / d : 0.0f;
            BlockBytes.putF16(dst, blk, d);
            BlockBytes.putF16(dst, blk + 2, min);
            for (int j = 0; j < QK; j++) q[j] = Math.min(maxQ, (int) ((src[x + j] - min) * id + 0.5f));
        }
    }

    /** Q8_0: half d then 32 signed bytes, x = q·d with d = amax/127. */
    static final class Q8_0 implements QuantCodec {
        @Override
        public GgmlType type() {
            return GgmlType.Q8_0;
        }

        @Override
        public void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
            for (int b = 0; b < n / QK; b++) {
                long blk = offset + (long) b * GgmlType.Q8_0.blockBytes;
                float d = BlockBytes.f16(src, blk);
                int y = dstOffset + b * QK;
                for (int j = 0; j < QK; j++) dst[y + j] = BlockBytes.i8(src, blk + 2 + j) * d;
            }
        }

        @Override
        public boolean canQuantize() {
            return true;
        }

        @Override
        public void quantize(float[] src, int srcOffset, MemorySegment dst, long offset, int n) {
            for (int b = 0; b < n / QK; b++) {
                long blk = offset + (long) b * GgmlType.Q8_0.blockBytes;
                int x = srcOffset + b * QK;
                float amax = 0f;
                for (int j = 0; j < QK; j++) amax = Math.max(amax, Math.abs(src[x + j]));
                float d = amax / 127f;
                float id = d != 0f ? 1.0f / d : 0.0f;
                BlockBytes.putF16(dst, blk, d);
                for (int j = 0; j < QK; j++) BlockBytes.putU8(dst, blk + 2 + j, QuantMath.roundAway(src[x + j] * id));
            }
        }
    }
}
