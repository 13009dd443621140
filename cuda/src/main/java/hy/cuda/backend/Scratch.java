package hy.cuda.backend;

import hy.cuda.DeviceAllocator;
import hy.cuda.DeviceBuffer;
import hy.cuda.Gpu;
import hy.cuda.MemoryCategory;

/**
 * One device buffer reused by every op for its temporaries (ops run in stream order, so they can share it). It grows
 * when an op needs more (after the stream drains, since queued kernels may still use the old one); each growth bumps
 * {@link #generation()}, which invalidates captured graphs that hold the old addresses.
 */
final class Scratch implements AutoCloseable {
    private final DeviceAllocator allocator;
    private final Gpu gpu;
    private DeviceBuffer buffer;
    private int generation;
    private boolean frozen;

    Scratch(DeviceAllocator allocator, Gpu gpu) {
        this.allocator = allocator;
        this.gpu = gpu;
    }

    /** The base address of at least {@code bytes} of scratch. */
    long base(long bytes) {
        if (buffer == null || buffer.bytes() < bytes) {
            if (frozen) {
                throw new IllegalStateException("an op needs " + bytes + " bytes of scratch during graph capture; run the same step once before capturing it");
            }
            long size = Math.max(bytes, buffer == null ? 0 : buffer.bytes() * 2);
            if (buffer != null) {
                gpu.synchronize();
                buffer.close();
            }
            buffer = allocator.allocate(size, MemoryCategory.SCRATCH, "scratch");
            generation++;
        }
        return buffer.address();
    }

    int generation() {
        return generation;
    }

    /** While frozen (graph capture) the buffer must not move. */
    void freeze(boolean frozen) {
        this.frozen = frozen;
    }

    @Override
    public void close() {
        if (buffer != null) buffer.close();
        buffer = null;
    }
}
