package hy.cuda;

import java.lang.foreign.MemorySegment;

/**
 * Page-locked host memory ({@link DeviceAllocator#allocateHost}): the only host memory the GPU copies from
 * asynchronously and at full bus speed. Seen from Java as a {@link MemorySegment} of at most 2 GiB.
 */
public final class PinnedBuffer implements AutoCloseable {
    private final DeviceAllocator owner;
    private final MemorySegment segment;
    private boolean freed;

    PinnedBuffer(DeviceAllocator owner, MemorySegment segment) {
        this.owner = owner;
        this.segment = segment;
    }

    public MemorySegment segment() {
        if (freed) throw new IllegalStateException("pinned buffer used after it was freed");
        return segment;
    }

    public long bytes() {
        return segment.byteSize();
    }

    @Override
    public void close() {
        if (freed) return;
        owner.freeHost(this);
        freed = true;
    }
}
