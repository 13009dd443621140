package hy.cli;

/** What the CLI knows about GPU memory before loading anything. */
final class GpuMemory {
    private GpuMemory() {}

    /** Free bytes on CUDA0, 0 when there is no GPU. No CUDA backend is wired into the CLI yet, so: 0. */
    static long free() {
        return 0;
    }

    /** Why no GPU is used, for the one line a run prints when placement flags ask for one. */
    static String reason() {
        return "the CUDA backend is not wired into this build yet";
    }
}
