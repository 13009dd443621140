package hy.runtime.quant;

import hy.runtime.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** The unquantized formats. */
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
}
