package hy.cuda;

import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/**
 * Allocates device memory with accounting per category; an allocation the GPU cannot satisfy becomes a
 * {@link GpuOutOfMemoryException} saying how much was asked for, how much is free and what hy holds.
 */
public final class DeviceAllocator {
    private final CudaContext context;
    private final MemoryAccounting accounting;

    public DeviceAllocator(CudaContext context, MemoryAccounting accounting) {
        this.context = context;
        this.accounting = accounting;
    }

    public MemoryAccounting accounting() {
        return accounting;
    }

    /** @param what names the buffer in errors and logs ("KV cache", "blk.3.attn_q.weight") */
    public DeviceBuffer allocate(long bytes, MemoryCategory category, String what) {
        if (bytes < 0) throw new IllegalArgumentException(what + ": negative size " + bytes);
        long size = Math.max(bytes, 256); // cuMemAlloc rejects 0; 256 keeps every buffer's start aligned alike
        DevicePointer p = new DevicePointer();
        int r = JCudaDriver.cuMemAlloc(p, size);
        if (r == CUresult.CUDA_ERROR_OUT_OF_MEMORY) {
            long[] info = context.memoryInfo();
            throw new GpuOutOfMemoryException(what, size, info[0], info[1], accounting.summary(), r);
        }
        Cu.check(r, "cuMemAlloc", what + ", " + Bytes.format(size));
        accounting.add(category, size);
        return new DeviceBuffer(this, p, size, category, what);
    }

    void free(DevicePointer p, long bytes, MemoryCategory category, String what) {
        Cu.check(JCudaDriver.cuMemFree(p), "cuMemFree", what);
        accounting.add(category, -bytes);
    }
}
