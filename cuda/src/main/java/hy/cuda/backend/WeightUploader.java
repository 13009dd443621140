package hy.cuda.backend;

import hy.cuda.DeviceAllocator;
import hy.cuda.DeviceBuffer;
import hy.cuda.Gpu;
import hy.cuda.PinnedBuffer;
import java.lang.foreign.MemorySegment;

/**
 * Copies weights from the mapped file to the device through two pinned staging buffers: while the GPU pulls one
 * chunk over the bus, the CPU copies the next from the page cache (or disk) into the other. Only pinned memory is
 * copied asynchronously at full bus speed, and no tensor is ever held twice in the Java heap.
 */
final class WeightUploader implements AutoCloseable {
    static final long CHUNK = 32L << 20;

    private final Gpu gpu;
    private final PinnedBuffer[] staging = new PinnedBuffer[2];
    private final Gpu.Marker[] free = new Gpu.Marker[2];
    private final UploadProgress progress;
    private long total;
    private int turn;

    WeightUploader(Gpu gpu, DeviceAllocator allocator, UploadProgress progress) {
        this.gpu = gpu;
        this.progress = progress;
        for (int i = 0; i < 2; i++) {
            staging[i] = allocator.allocateHost(CHUNK, true);
            free[i] = gpu.marker();
        }
    }

    /** Queues the copy of {@code src} into {@code dst} and reports progress under {@code name}. */
    void upload(String name, MemorySegment src, DeviceBuffer dst) {
        long n = src.byteSize();
        if (n > dst.bytes()) throw new IllegalArgumentException(name + ": " + n + " bytes do not fit a buffer of " + dst.bytes());
        for (long off = 0; off < n; off += CHUNK) {
            long len = Math.min(CHUNK, n - off);
            int i = turn;
            turn ^= 1;
            free[i].await(); // the GPU has finished reading this staging buffer's previous chunk
            MemorySegment.copy(src, off, staging[i].segment(), 0, len);
            gpu.copyToDevice(dst.address(off, len), staging[i].segment(), len);
            free[i].record();
        }
        total += n;
        progress.uploaded(name, n, total);
    }

    long totalBytes() {
        return total;
    }

    @Override
    public void close() {
        for (int i = 0; i < 2; i++) {
            free[i].await();
            free[i].close();
            staging[i].close();
        }
    }
}
