package hy.runtime.cpu;

import static org.junit.jupiter.api.Assertions.*;

import hy.runtime.cpu.bench.RandomBlocks;
import hy.runtime.tensor.GgmlType;
import hy.runtime.tensor.Tensor;
import java.io.RandomAccessFile;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Weights beyond 2 GiB into a mapped file (as expert tensors of a real model are): offsets must be longs. */
class LargeOffsetTest {
    @Test
    void rowsBeyondTwoGigabytesOfAMappedFile(@TempDir Path dir) throws Exception {
        GgmlType type = GgmlType.Q4_0;
        int n = 4096;
        long rowBytes = type.rowBytes(n);
        int rows = (int) (2_400_000_000L / rowBytes);   // a sparse file: only the rows written below use disk
        Path file = dir.resolve("big.bin");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(rowBytes * rows);
        }
        try (Arena arena = Arena.ofShared(); FileChannel ch = FileChannel.open(file, java.nio.file.StandardOpenOption.READ,
                java.nio.file.StandardOpenOption.WRITE)) {
            MemorySegment all = ch.map(FileChannel.MapMode.READ_WRITE, 0, rowBytes * rows, arena);
            int first = rows - 5;
            assertTrue(first * rowBytes > Integer.MAX_VALUE);
            RandomBlocks.fill(type, all.asSlice(first * rowBytes), 5, n, 3);
            Tensor w = new Tensor("big", type, new long[] {n, rows}, all);
            float[] x = KernelCheck.exactActivations(n, 1, 32, 9);
            QuantizedActivations q = new QuantizedActivations(n, 1);
            q.set(x, 0, n, 1);
            q.prepare(type);
            float[] y = new float[rows];
            MatMul.multiply(w, q, y, 0, rows, first, rows);
            for (int r = first; r < rows; r++) {
                double[] wr = KernelCheck.dequantizedRow(w, r);
                assertEquals(KernelCheck.dot(wr, x, 0), y[r], KernelCheck.roundingBound(wr, x, 0), "row " + r);
                assertNotEquals(0f, y[r]);
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
