package hy.cuda;

import java.lang.foreign.MemorySegment;

/**
 * The device operations the CUDA backend is built on: memory, stream-ordered copies, kernel launches, markers and
 * graph capture on one device and one stream. {@link JCudaGpu} implements it with JCuda's driver API; tests implement
 * it with the SIMT emulator of kernels-ptx/host-check, so the whole backend runs, without a GPU, on the very kernel
 * sources. Device memory is handled as numeric addresses.
 */
public interface Gpu extends AutoCloseable {

    DeviceInfo device();

    /** Makes the device usable from the calling thread (a CUDA context is current per thread). */
    void bind();

    /** The address of {@code bytes} of device memory, or 0 when the device has not that much free. */
    long allocate(long bytes);

    void free(long address);

    /** {free, total} bytes of device memory. */
    long[] memoryInfo();

    /** Page-locked host memory of {@code bytes} (write-combined when the host only writes it). */
    MemorySegment allocateHost(long bytes, boolean uploadOnly);

    void freeHost(MemorySegment host);

    /** Queues a copy from pinned host memory (from {@link #allocateHost}) to the device. */
    void copyToDevice(long dst, MemorySegment src, long bytes);

    /** Queues a copy from the device to pinned host memory. */
    void copyToHost(MemorySegment dst, long src, long bytes);

    /** Copies any host memory (a Java array's segment, say) to the device and waits for it. Not while capturing. */
    void copyToDeviceNow(long dst, MemorySegment src, long bytes);

    /** Queues filling {@code count} 32-bit words at {@code dst} with {@code value}. */
    void fill32(long dst, int value, long count);

    /** Waits until everything queued so far has run. */
    void synchronize();

    KernelRunner kernels();

    /** Whether to wait for every kernel right after its launch (diagnostics: faults then name their kernel). */
    void setSyncEachLaunch(boolean on);

    /** A point in the queue that the host can wait for. */
    interface Marker extends AutoCloseable {
        /** Marks the queue as it is now. */
        void record();

        /** Waits until the work queued before the last {@link #record} has run (returns at once if never recorded). */
        void await();

        @Override
        void close();
    }

    /** A marker on the main queue. */
    Marker marker();

    /**
     * Main-queue work queued from now on starts only after the work that was queued (on whichever queue recorded it)
     * before {@code point}'s last {@link Marker#record}. The host does not wait. No effect if it was never recorded.
     */
    void waitFor(Marker point);

    /** A second queue for copies that run while the main queue computes (expert staging). */
    interface CopyQueue extends AutoCloseable {
        /** Queues a copy from pinned host memory to the device. */
        void copyToDevice(long dst, MemorySegment src, long bytes);

        /** Copies queued from now on start only after the work queued before {@code point}'s last record. */
        void waitFor(Marker point);

        /** A marker on this queue. */
        Marker marker();

        @Override
        void close();
    }

    /** Opens a copy queue; close it before the Gpu. */
    CopyQueue copyQueue();

    /** A captured sequence of queued work that can be replayed. */
    interface Replay extends AutoCloseable {
        /** Queues the whole sequence again; copies read their source memory as it is at replay time. */
        void launch();

        @Override
        void close();
    }

    /** Records the work {@code work} queues instead of running it. */
    Replay capture(Runnable work);

    @Override
    void close();
}
