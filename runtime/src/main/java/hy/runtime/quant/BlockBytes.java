package hy.runtime.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Little-endian field access inside ggml blocks. ggml writes its blocks in host order and every GGUF producer runs
 * on a little-endian host, so these layouts fix the order instead of trusting the JVM's native order.
 */
final class BlockBytes {
    private BlockBytes() {}

    static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    static int u8(MemorySegment s, long off) {
        return s.get(ValueLayout.JAVA_BYTE, off) & 0xFF;
    }

    static int i8(MemorySegment s, long off) {
        return s.get(ValueLayout.JAVA_BYTE, off);
    }

    static int u16(MemorySegment s, long off) {
        return s.get(U16, off) & 0xFFFF;
    }

    /** A 32-bit field; callers shift it with {@code >>>} since ggml treats it as unsigned. */
    static int u32(MemorySegment s, long off) {
        return s.get(U32, off);
    }

    /** An IEEE half: {@link Float#float16ToFloat} is exact, as ggml's table/F16C conversion is. */
    static float f16(MemorySegment s, long off) {
        return Float.float16ToFloat(s.get(U16, off));
    }

    static void putU8(MemorySegment s, long off, int v) {
        s.set(ValueLayout.JAVA_BYTE, off, (byte) v);
    }

    static void putU16(MemorySegment s, long off, int v) {
        s.set(U16, off, (short) v);
    }

    static void putU32(MemorySegment s, long off, int v) {
        s.set(U32, off, v);
    }

    /** Stores {@code v} rounded to the nearest half (ties to even), like GGML_FP32_TO_FP16. */
    static void putF16(MemorySegment s, long off, float v) {
        s.set(U16, off, Float.floatToFloat16(v));
    }

    /** The value {@code v} has after a round trip through a half, as ggml re-reads a scale it just stored. */
    static float roundToF16(float v) {
        return Float.float16ToFloat(Float.floatToFloat16(v));
    }

    static void putBytes(MemorySegment s, long off, byte[] src) {
        MemorySegment.copy(src, 0, s, ValueLayout.JAVA_BYTE, off, src.length);
    }
}
