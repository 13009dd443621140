package hy.runtime.cpu.bench;

import hy.runtime.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

/**
 * Fills memory with random but valid weights of a ggml type without needing a quantizer: quant bits are random and
 * every scale or minimum field is set to a small finite half (so no block decodes to infinity or NaN). Used by the
 * kernel benchmark and the kernel tests.
 */
public final class RandomBlocks {
    private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private RandomBlocks() {}

    /** Fills {@code rows} rows of {@code rowLength} weights of {@code type} at the start of {@code dst}. */
    public static void fill(GgmlType type, MemorySegment dst, long rows, int rowLength, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        long bytes = type.rowBytes(rowLength) * rows;
        switch (type) {
            case F32 -> {
                for (long i = 0; i < bytes; i += 4) dst.set(FLOAT_LE, i, (float) random.nextDouble(-1, 1));
                return;
            }
            case F16 -> {
                for (long i = 0; i < bytes; i += 2) dst.set(SHORT_LE, i, Float.floatToFloat16((float) random.nextDouble(-1, 1)));
                return;
            }
            case BF16 -> {
                for (long i = 0; i < bytes; i += 2) {
                    dst.set(SHORT_LE, i, (short) (Float.floatToRawIntBits((float) random.nextDouble(-1, 1)) >>> 16));
                }
                return;
            }
            default -> { }
        }
        long i = 0;
        for (; i + 8 <= bytes; i += 8) dst.set(ValueLayout.JAVA_LONG_UNALIGNED, i, random.nextLong());
        for (; i < bytes; i++) dst.set(ValueLayout.JAVA_BYTE, i, (byte) random.nextInt());
        int[] halves = halfFields(type);
        for (long b = 0; b < bytes / type.blockBytes; b++) {
            for (int field : halves) {
                dst.set(SHORT_LE, b * type.blockBytes + field, Float.floatToFloat16(scale(random, type)));
            }
        }
    }

    /** Byte offsets, within a block, of the f16 scale and minimum fields. */
    private static int[] halfFields(GgmlType type) {
        return switch (type) {
            case Q4_0, Q5_0, Q8_0, IQ4_NL, IQ4_XS -> new int[] {0};
            case Q4_1, Q5_1, Q4_K, Q5_K -> new int[] {0, 2};
            case Q6_K -> new int[] {208};
            default -> throw new IllegalArgumentException("no random block generator for " + type);
        };
    }

    /** Scales of the size real weights have (values around ±0.05 after scaling), with random sign. */
    private static float scale(SplittableRandom random, GgmlType type) {
        float magnitude = (float) random.nextDouble(0.001, 0.01);
        if (type.blockSize == 256) magnitude /= 8;  // K-quant super-block scales multiply 6-bit sub-block scales
        return random.nextBoolean() ? magnitude : -magnitude;
    }
}
