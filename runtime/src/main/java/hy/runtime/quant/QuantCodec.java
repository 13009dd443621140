package hy.runtime.quant;

import hy.runtime.tensor.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * Converts between one ggml block format and float32, bit-exact with ggml's reference (scalar) routines.
 * {@code n} is always a multiple of the type's block size; offsets are in bytes for the quantized side.
 */
public interface QuantCodec {
    GgmlType type();

    /** Decodes {@code n} weights starting at byte {@code offset} of {@code src} into {@code dst[dstOffset..]}. */
    void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int n);

    /** Whether {@link #quantize} is implemented for this type. */
    default boolean canQuantize() {
        return false;
    }

    /**
     * Encodes {@code n} floats as ggml's reference quantizer does (no importance matrix).
     * @throws UnsupportedOperationException when {@link #canQuantize()} is false
     */
    default void quantize(float[] src, int srcOffset, MemorySegment dst, long offset, int n) {
        throw new UnsupportedOperationException("quantization to " + type() + " is not implemented");
    }
}
