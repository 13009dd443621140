package hy.runtime.quant;

import hy.runtime.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** The unquantized formats: F32, F16 and BF16 (one weight per "block"). */
final class FloatCodecs {
    private FloatCodecs() {}

    static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    static final class F32 implements QuantCodec {
        @Override
        public GgmlType type() {
            return GgmlType.F32;
        }

        @Override
        public void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
            MemorySegment.copy(src, F32_LE, offset, dst, dstOffset, n);
        }

        @Override
        public boolean canQuantize() {
            return true;
        }

        @Override
        public void quantize(float[] src, int srcOffset, MemorySegment dst, long offset, int n) {
            MemorySegment.copy(src, srcOffset, dst, F32_LE, offset, n);
        }
    }

    /** IEEE half precision; encoding rounds to nearest even like ggml's F16C / scalar path. */
    static final class F16 implements QuantCodec {
        @Override
        public GgmlType type() {
            return GgmlType.F16;
        }

        @Override
        public void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
            for (int i = 0; i < n; i++) dst[dstOffset + i] = BlockBytes.f16(src, offset + 2L * i);
        }

        @Override
        public boolean canQuantize() {
            return true;
        }

        @Override
        public void quantize(float[] src, int srcOffset, MemorySegment dst, long offset, int n) {
            for (int i = 0; i < n; i++) BlockBytes.putF16(dst, offset + 2L * i, src[srcOffset + i]);
        }
    }

    /** bfloat16: the upper half of a float32. */
    static final class BF16 implements QuantCodec {
        @Override
        public GgmlType type() {
            return GgmlType.BF16;
        }

        @Override
        public void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
            for (int i = 0; i < n; i++) dst[dstOffset + i] = toFloat((short) BlockBytes.u16(src, offset + 2L * i));
        }

        @Override
        public boolean canQuantize() {
            return true;
        }

        @Override
        public void quantize(float[] src, int srcOffset, MemorySegment dst, long offset, int n) {
            for (int i = 0; i < n; i++) BlockBytes.putU16(dst, offset + 2L * i, fromFloat(src[srcOffset + i]));
        }

        static float toFloat(short bits) {
            return Float.intBitsToFloat((bits & 0xFFFF) << 16);
        }

        /**
         * ggml_compute_fp32_to_bf16: round to nearest even on the dropped 16 bits; a NaN keeps its upper bits with
         * the quiet bit forced, so it can never round into an infinity.
         */
        static short fromFloat(float f) {
            int u = Float.floatToRawIntBits(f);
            if ((u & 0x7FFFFFFF) > 0x7F800000) return (short) ((u >>> 16) | 64);
            return (short) ((u + (0x7FFF + ((u >>> 16) & 1))) >>> 16);
        }
    }
}
