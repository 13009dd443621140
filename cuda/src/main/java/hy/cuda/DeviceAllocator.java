package hy.cuda;

/**
 * Allocates device memory with accounting per category; an allocation the GPU cannot satisfy becomes a
 * {@link GpuOutOfMemoryException} saying how much was asked for, how much is free and what hy holds.
 */
public final class DeviceAllocator {
    private final Gpu gpu;
    private final MemoryAccounting accounting;

    public DeviceAllocator(Gpu gpu, MemoryAccounting accounting) {
        this.gpu = gpu;
        this.accounting = accounting;
    }

    public MemoryAccounting accounting() {
        return accounting;
    }

    /** @param what names the buffer in errors and logs ("KV cache", "blk.3.attn_q.weight") */
    public DeviceBuffer allocate(long bytes, MemoryCategory category, String what) {
        if (bytes < 0) throw new IllegalArgumentException(what + ": negative size " + bytes);
        long size = Math.max(bytes, 256); // the driver rejects 0; 256 keeps every buffer's start aligned alike
        long address = gpu.allocate(size);
        if (address == 0) {
            long[] info = gpu.memoryInfo();
            throw new GpuOutOfMemoryException(what, size, info[0], info[1], accounting.summary(), jcuda.driver.CUresult.CUDA_ERROR_OUT_OF_MEMORY);
        }
        accounting.add(category, size);
        return new DeviceBuffer(this, address, size, category, what);
    }

    /** Page-locked host memory, accounted as {@link MemoryCategory#PINNED_HOST}. */
    public PinnedBuffer allocateHost(long bytes, boolean uploadOnly) {
        PinnedBuffer b = new PinnedBuffer(this, gpu.allocateHost(bytes, uploadOnly));
        accounting.add(MemoryCategory.PINNED_HOST, b.bytes());
        return b;
    }

    void free(long address, long bytes, MemoryCategory category) {
        gpu.free(address);
        accounting.add(category, -bytes);
    }

    void freeHost(PinnedBuffer b) {
        gpu.freeHost(b.segment());
        accounting.add(MemoryCategory.PINNED_HOST, -b.bytes());
    }
}
