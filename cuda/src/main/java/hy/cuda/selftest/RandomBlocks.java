package hy.cuda.selftest;

import hy.runtime.tensor.GgmlType;
import hy.runtime.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

/**
 * Large random weights fast, for timing at the real model's shape: random bytes are valid codes in every block
 * format, so only the half-precision scale fields are overwritten with small sane values (random bits could be NaN or
 * huge). Float types get small random values. The numbers mean nothing; the bytes moved are real.
 */
public final class RandomBlocks {
    private RandomBlocks() {}

    private static final ValueLayout.OfShort HALF = ValueLayout.JAVA_SHORT_UNALIGNED;

    public static Tensor tensor(Arena arena, String name, GgmlType type, int rowLength, int rows, int experts, long seed) {
        long[] ne = experts == 1 ? new long[] {rowLength, rows} : new long[] {rowLength, rows, experts};
        long bytes = type.rowBytes(rowLength) * rows * experts;
        MemorySegment data = arena.allocate(bytes, 64);
        SplittableRandom rng = new SplittableRandom(seed);
        for (long i = 0; i + 8 <= bytes; i += 8) data.set(ValueLayout.JAVA_LONG_UNALIGNED, i, rng.nextLong());
        switch (type) {
            case F32 -> { for (long i = 0; i < bytes / 4; i++) data.setAtIndex(ValueLayout.JAVA_FLOAT, i, small(rng)); }
            case F16 -> { for (long i = 0; i < bytes / 2; i++) data.set(HALF, 2 * i, Float.floatToFloat16(small(rng))); }
            case BF16 -> { for (long i = 0; i < bytes / 2; i++) data.set(HALF, 2 * i, (short) (Float.floatToRawIntBits(small(rng)) >>> 16)); }
            default -> fixScales(data, type, bytes, rng);
        }
        return new Tensor(name, type, ne, data);
    }

    private static float small(SplittableRandom rng) {
        return (float) (rng.nextDouble() - 0.5) * 0.05f;
    }

    /** Byte offsets of the f16 scale fields in a block of each format. */
    private static int[] scaleOffsets(GgmlType t) {
        return switch (t) {
            case Q4_0, Q5_0, Q8_0, IQ4_NL, IQ4_XS -> new int[] {0};
            case Q4_1, Q5_1, Q4_K, Q5_K -> new int[] {0, 2};
            case Q6_K -> new int[] {208};
            default -> throw new IllegalArgumentException("no random blocks for " + t);
        };
    }

    private static void fixScales(MemorySegment data, GgmlType t, long bytes, SplittableRandom rng) {
        int[] offsets = scaleOffsets(t);
        for (long b = 0; b < bytes; b += t.blockBytes) {
            for (int o : offsets) data.set(HALF, b + o, Float.floatToFloat16((float) (rng.nextDouble() * 0.002 + 0.0005)));
        }
    }
}
