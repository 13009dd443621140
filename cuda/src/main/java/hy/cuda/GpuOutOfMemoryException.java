package hy.cuda;

/**
 * A device allocation the GPU could not satisfy. The message says what the memory was for, how much was asked, how
 * much the device had free, and what hy already holds per category, so the user can pick a smaller context, fewer
 * GPU layers or --cpu-moe.
 */
public final class GpuOutOfMemoryException extends CudaCallException {
    private final long requested;
    private final long free;

    public GpuOutOfMemoryException(String what, long requested, long free, long total, String held, int result) {
        super("cuMemAlloc", what, result, "asked for " + Bytes.format(requested) + ", the GPU has " + Bytes.format(free)
                + " free of " + Bytes.format(total) + (held.isEmpty() ? "" : " (hy holds " + held + ")")
                + "; use a smaller context (-c), fewer GPU layers (-ngl) or keep experts on the CPU (--cpu-moe)");
        this.requested = requested;
        this.free = free;
    }

    public long requested() {
        return requested;
    }

    public long free() {
        return free;
    }
}
