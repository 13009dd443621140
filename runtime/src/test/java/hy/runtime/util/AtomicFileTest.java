package hy.runtime.util;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {
    @TempDir
    Path dir;

    /** A file that happens to have the name the old fixed temp file had is the user's, and stays. */
    @Test
    void aFileNamedLikeTheTemporaryOneIsNotTouched() throws IOException {
        Path users = Files.writeString(dir.resolve(".out.gguf.partial"), "mine");
        AtomicFile.write(dir.resolve("out.gguf"), tmp -> Files.writeString(tmp, "new"));
        assertEquals("mine", Files.readString(users));
        assertEquals("new", Files.readString(dir.resolve("out.gguf")));
    }

    /** Two writers of one output each write their own temporary file; the survivor is one of them, whole. */
    @Test
    void concurrentWritersDoNotShareATemporaryFile() throws Exception {
        Path out = dir.resolve("out.bin");
        CountDownLatch bothWriting = new CountDownLatch(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?>[] writers = new Future<?>[2];
            for (int w = 0; w < 2; w++) {
                byte fill = (byte) ('a' + w);
                writers[w] = pool.submit(() -> {
                    AtomicFile.write(out, tmp -> {
                        byte[] data = new byte[1 << 16];
                        java.util.Arrays.fill(data, fill);
                        Files.write(tmp, data);
                        bothWriting.countDown();
                        try {
                            bothWriting.await();
                        } catch (InterruptedException e) {
                            throw new IOException(e);
                        }
                    });
                    return null;
                });
            }
            for (Future<?> f : writers) f.get();
        } finally {
            pool.shutdownNow();
        }
        byte[] result = Files.readAllBytes(out);
        assertEquals(1 << 16, result.length);
        for (byte b : result) assertEquals(result[0], b, "one writer's bytes, not a mix");
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left");
        }
    }

    @Test
    void aFailedWriteLeavesNothing() {
        Path out = dir.resolve("x.gguf");
        assertThrows(IOException.class, () -> AtomicFile.write(out, tmp -> {
            throw new IOException("disk full");
        }));
        assertFalse(Files.exists(out));
        assertEquals(0, dir.toFile().list().length);
    }
}
