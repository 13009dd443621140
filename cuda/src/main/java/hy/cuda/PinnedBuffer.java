package hy.cuda;

import java.lang.foreign.MemorySegment;
import jcuda.Pointer;
import jcuda.driver.JCudaDriver;

/**
 * Page-locked host memory: the only host memory the GPU copies from asynchronously and at full bus speed. Seen from
 * Java as a {@link MemorySegment} (at most 2 GiB: staging and read-back buffers are small).
 */
public final class PinnedBuffer implements AutoCloseable {
    /** cuMemHostAlloc flag: write-combined pages (fast for the GPU to read, slow for the CPU to read back). */
    private static final int WRITE_COMBINED = 0x04;

    private final Pointer host = new Pointer();
    private final MemorySegment segment;
    private final MemoryAccounting accounting;
    private final long bytes;
    private boolean freed;

    /**
     * @param uploadOnly the CPU only writes this buffer (upload staging): use write-combined pages
     */
    public PinnedBuffer(long bytes, boolean uploadOnly, MemoryAccounting accounting, String what) {
        if (bytes <= 0 || bytes > Integer.MAX_VALUE) throw new IllegalArgumentException(what + ": pinned buffer size " + bytes);
        Cu.check(JCudaDriver.cuMemHostAlloc(host, bytes, uploadOnly ? WRITE_COMBINED : 0), "cuMemHostAlloc",
                what + ", " + Bytes.format(bytes));
        this.segment = MemorySegment.ofBuffer(host.getByteBuffer(0, bytes));
        this.accounting = accounting;
        this.bytes = bytes;
        accounting.add(MemoryCategory.PINNED_HOST, bytes);
    }

    public MemorySegment segment() {
        return segment;
    }

    public long bytes() {
        return bytes;
    }

    /** The host pointer JCuda copies take, at byte {@code offset}. */
    public Pointer pointer(long offset) {
        if (offset < 0 || offset > bytes) throw new IndexOutOfBoundsException("pinned offset " + offset + " of " + bytes);
        return offset == 0 ? host : host.withByteOffset(offset);
    }

    @Override
    public void close() {
        if (freed) return;
        freed = true;
        JCudaDriver.cuMemFreeHost(host);
        accounting.add(MemoryCategory.PINNED_HOST, -bytes);
    }
}
