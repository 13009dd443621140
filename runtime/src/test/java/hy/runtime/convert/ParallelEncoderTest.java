package hy.runtime.convert;

import static org.junit.jupiter.api.Assertions.*;

import hy.runtime.gguf.GgufWriter;
import hy.runtime.tensor.GgmlType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParallelEncoderTest {
    @TempDir
    Path dir;

    /** Rows of a smooth pattern; row {@code failAt} throws. */
    private static RowSource rows(int length, long count, long failAt) {
        return new RowSource() {
            @Override public int rowLength() { return length; }
            @Override public long rowCount() { return count; }
            @Override public void readRow(long row, float[] dst, int offset) {
                if (row == failAt) throw new IllegalStateException("row " + row + " is unreadable");
                for (int i = 0; i < length; i++) dst[offset + i] = (float) Math.sin(row * 0.37 + i * 0.11);
            }
        };
    }

    private Path write(String name, int threads, RowSource src, AtomicLong progress) throws IOException {
        Path out = dir.resolve(name);
        long bytes = GgmlType.Q4_0.rowBytes(src.rowLength()) * src.rowCount();
        try (ParallelEncoder enc = new ParallelEncoder(threads, bytes, (done, total) -> progress.accumulateAndGet(done, Math::max))) {
            new GgufWriter().addTensor("w", GgmlType.Q4_0, new long[] {src.rowLength(), src.rowCount()}, enc.encode("w", src, GgmlType.Q4_0)).write(out);
        }
        return out;
    }

    @Test
    void bytesDoNotDependOnTheThreadCount() throws IOException {
        AtomicLong progress = new AtomicLong();
        Path one = write("one.gguf", 1, rows(256, 3000, -1), progress);
        assertEquals(GgmlType.Q4_0.rowBytes(256) * 3000, progress.get(), "progress reaches the tensor's size");
        Path four = write("four.gguf", 4, rows(256, 3000, -1), new AtomicLong());
        assertArrayEquals(Files.readAllBytes(one), Files.readAllBytes(four));
    }

    @Test
    void aFailingWorkerLeavesNoOutputAndNoPartialFile() throws IOException {
        Path target = dir.resolve("model.gguf");
        Files.writeString(target, "previous model");
        var e = assertThrows(IllegalStateException.class, () -> write("model.gguf", 3, rows(256, 5000, 4321), new AtomicLong()));
        assertEquals("row 4321 is unreadable", e.getMessage());
        assertEquals("previous model", Files.readString(target), "an existing file is untouched until the new one is complete");
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count(), "no .partial left behind");
        }
    }

    @Test
    void aFailingSourceOnTheCallerThreadLeavesNothing() throws IOException {
        Path target = dir.resolve("x.gguf");
        GgufWriter w = new GgufWriter().addTensor("w", GgmlType.F32, new long[] {4}, dst -> {
            throw new IOException("disk on fire");
        });
        assertEquals("disk on fire", assertThrows(IOException.class, () -> w.write(target)).getMessage());
        assertFalse(Files.exists(target));
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".partial")), "no partial left behind");
        }
    }
}
