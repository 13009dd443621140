package hy.cli;

/** What the CLI knows about GPU memory before loading anything. */
final class GpuMemory {
    private GpuMemory() {}

    /** Free bytes on CUDA0, 0 when there is no GPU. No CUDA backend is wired into the CLI yet, so: 0. */
    static long free() {
        return 0;
    }
}
