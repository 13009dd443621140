package hy.runtime.cpu;

import hy.runtime.tensor.GgmlType;
import hy.runtime.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The native kernels' repacked layouts ("R16", {@code -rtr}): rows in groups of 16, the 16 rows' block b stored
 * together as their 16 f16 scales followed by chunks of 16 rows × 4 bytes, so that a vector lane is one row and one
 * VNNI instruction multiplies 4 weights of 16 rows with 4 broadcast activations (kernels-cpu/src/main/c/interleaved.c,
 * whose header describes the bytes). Q4_0 keeps its nibble bytes (4 chunks per block); Q8_0 stores q ^ 0x80 (8
 * chunks), the unsigned operand VNNI wants: the same bytes as the file per row. Q4_K's layout (packed natively)
 * holds its scales and mins unpacked as floats. A matrix whose row count is not a multiple of 16 gets zero rows to
 * fill its last group.
 */
final class Interleaved {
    static final int ROWS = 16;

    private Interleaved() {}

    static boolean supports(GgmlType type) {
        return type == GgmlType.Q4_0 || type == GgmlType.Q8_0 || type == GgmlType.Q4_K;
    }

    /**
     * Bytes of one matrix of {@code rows} rows of {@code n} weights in the layout (whole groups): the file's bytes for
     * Q4_0 and Q8_0; 192 per 256 weights for Q4_K, whose scales are stored unpacked as floats.
     */
    static long matrixBytes(GgmlType type, int n, long rows) {
        long perRow = type == GgmlType.Q4_K ? (long) n / 256 * 192 : type.rowBytes(n);
        return (rows + ROWS - 1) / ROWS * ROWS * perRow;
    }

    /**
     * Repacks every matrix of {@code w} (2-D, or 3-D stacked experts, each matrix padded to whole groups) into memory
     * from {@code arena}, on the threads of {@code pool}, one task per group.
     */
    static MemorySegment pack(Tensor w, Arena arena, CpuPool pool) {
        GgmlType type = w.type();
        if (!supports(type)) throw new IllegalArgumentException("no interleaved layout for " + type);
        long rowBytes = w.rowBytes();
        int n = w.rowLength();
        int rows = Math.toIntExact(w.ne(1));
        long matrices = w.rowCount() / rows;
        long perMatrix = matrixBytes(type, n, rows);
        long perGroup = matrixBytes(type, n, ROWS);
        MemorySegment dst = HugePages.allocate(arena, perMatrix * matrices);
        int groups = (rows + ROWS - 1) / ROWS;
        int blocks = n / type.blockSize;
        long tasks = matrices * groups;
        pool.parallelFor(Math.toIntExact(tasks), (task, worker) -> {
            long m = task / groups;
            int g = (int) (task % groups);
            MemorySegment src = w.data().asSlice(m * rows * rowBytes, rows * rowBytes);
            MemorySegment out = dst.asSlice(m * perMatrix + g * perGroup, perGroup);
            if (type == GgmlType.Q4_K) {
                // unpacking the 6-bit scales is native (kernels-cpu/.../interleaved.c), the layout defined once there
                NativeKernels.packQ4K(src, n, rows, g * ROWS, Math.min(rows, (g + 1) * ROWS), out);
                return;
            }
            if ((g + 1) * ROWS > rows) out.fill((byte) 0); // the padding rows of the last group (memory is not zeroed)
            for (int b = 0; b < blocks; b++) packBlock(type, src, rows, rowBytes, g, b, out, b * ROWS * (long) type.blockBytes);
        });
        return dst;
    }

    /** Block b of the 16 rows of group g: scales, then 4-byte chunks row by row; rows past the end stay zero. */
    private static void packBlock(GgmlType type, MemorySegment src, int rows, long rowBytes, int g, int b,
            MemorySegment out, long at) {
        int chunks = (type.blockBytes - 2) / 4; // Q4_0: 16 bytes of nibbles, Q8_0: 32 bytes of values
        byte flip = type == GgmlType.Q8_0 ? (byte) 0x80 : 0;
        for (int j = 0; j < ROWS; j++) {
            int r = g * ROWS + j;
            if (r >= rows) break;
            long block = r * rowBytes + (long) b * type.blockBytes;
            out.set(Layouts.SHORT_LE, at + 2L * j, src.get(Layouts.SHORT_LE, block));
            for (int k = 0; k < chunks; k++) {
                for (int i = 0; i < 4; i++) {
                    byte v = src.get(ValueLayout.JAVA_BYTE, block + 2 + 4L * k + i);
                    out.set(ValueLayout.JAVA_BYTE, at + 2L * ROWS + 4L * (ROWS * k + j) + i, (byte) (v ^ flip));
                }
            }
        }
    }
}
