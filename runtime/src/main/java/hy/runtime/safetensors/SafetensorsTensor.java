package hy.runtime.safetensors;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One tensor of a safetensors file: a zero-copy view of its bytes in the mapped file. The shape is in PyTorch order
 * (row-major, the last dimension contiguous), so a Linear weight {@code [out, in]} has rows of {@code in} elements.
 */
public record SafetensorsTensor(String name, SafetensorsDtype dtype, long[] shape, MemorySegment data, String file) {

    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    public SafetensorsTensor {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public int dims() {
        return shape.length;
    }

    public long elementCount() {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }

    /** Elements per row: the last dimension (a scalar or 1-D tensor is one row). */
    public long rowLength() {
        return shape.length == 0 ? 1 : shape[shape.length - 1];
    }

    /** Rows: the product of all dimensions but the last. */
    public long rowCount() {
        long n = 1;
        for (int i = 0; i < shape.length - 1; i++) n *= shape[i];
        return n;
    }

    /**
     * Decodes {@code n} consecutive elements starting at element {@code first} into {@code dst[dstOffset..]},
     * widening F16 and BF16 exactly to float.
     */
    public void readFloats(long first, float[] dst, int dstOffset, int n) {
        if (!dtype.isFloatReadable()) {
            throw new SafetensorsFormatException(file + ": tensor '" + name + "' has dtype " + dtype
                    + "; only F32, F16 and BF16 weights can be converted");
        }
        long count = elementCount();
        if (first < 0 || n < 0 || first > count - n) {
            throw new IndexOutOfBoundsException("elements " + first + ".." + (first + n) + " of " + name + " " + Arrays.toString(shape));
        }
        long at = first * dtype.bytes;
        switch (dtype) {
            case F32 -> MemorySegment.copy(data, F32_LE, at, dst, dstOffset, n);
            // bf16 is the upper half of an f32: shifting the bits back is exact.
            case BF16 -> {
                for (int i = 0; i < n; i++) dst[dstOffset + i] = Float.intBitsToFloat(data.get(U16_LE, at + 2L * i) << 16);
            }
            case F16 -> {
                for (int i = 0; i < n; i++) dst[dstOffset + i] = Float.float16ToFloat(data.get(U16_LE, at + 2L * i));
            }
            default -> throw new AssertionError(dtype);
        }
    }

    @Override
    public String toString() {
        return name + " " + dtype + " " + Arrays.toString(shape);
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
