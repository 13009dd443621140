package hy.cuda;

import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/** {@link Gpu} on the device {@link CudaProbe} found, through JCuda's driver API, with one stream. */
public final class JCudaGpu implements Gpu {
    /** cuMemHostAlloc flag: write-combined pages (fast for the GPU to read, slow for the CPU to read back). */
    private static final int WRITE_COMBINED = 0x04;

    private final CudaContext context;
    private final CudaStream stream;
    private final CudaKernelRunner runner;
    private final Map<Long, DevicePointer> allocations = new HashMap<>();
    private final Map<Long, Pointer> hostAllocations = new HashMap<>();

    private JCudaGpu(CudaContext context) {
        this.context = context;
        CudaStream s = null;
        try {
            s = new CudaStream();
            this.stream = s;
            this.runner = new CudaKernelRunner(s);
        } catch (RuntimeException | Error e) {
            if (s != null) s.close();
            context.close();
            throw e;
        }
    }

    /** Opens the device the probe found; throws with the probe's reason when there is none. */
    public static JCudaGpu open() {
        return new JCudaGpu(CudaContext.open());
    }

    /** What the driver spent JIT-compiling the kernel modules. */
    public String jitSummary() {
        return runner.jitSummary();
    }

    /** The stream all work goes to (for libraries such as cuBLAS that take one). */
    public CudaStream stream() {
        return stream;
    }

    @Override
    public DeviceInfo device() {
        return context.device();
    }

    @Override
    public void bind() {
        context.bind();
    }

    @Override
    public long allocate(long bytes) {
        DevicePointer p = new DevicePointer();
        int r = JCudaDriver.cuMemAlloc(p, bytes);
        if (r == CUresult.CUDA_ERROR_OUT_OF_MEMORY) return 0;
        Cu.check(r, "cuMemAlloc", Bytes.format(bytes));
        allocations.put(p.address(), p);
        return p.address();
    }

    @Override
    public void free(long address) {
        DevicePointer p = allocations.remove(address);
        if (p == null) throw new IllegalArgumentException("no device allocation at 0x" + Long.toHexString(address));
        Cu.check(JCudaDriver.cuMemFree(p), "cuMemFree");
    }

    @Override
    public long[] memoryInfo() {
        return context.memoryInfo();
    }

    @Override
    public MemorySegment allocateHost(long bytes, boolean uploadOnly) {
        if (bytes <= 0 || bytes > Integer.MAX_VALUE) throw new IllegalArgumentException("pinned buffer of " + bytes + " bytes");
        Pointer p = new Pointer();
        Cu.check(JCudaDriver.cuMemHostAlloc(p, bytes, uploadOnly ? WRITE_COMBINED : 0), "cuMemHostAlloc", Bytes.format(bytes));
        MemorySegment s = MemorySegment.ofBuffer(p.getByteBuffer(0, bytes));
        hostAllocations.put(s.address(), p);
        return s;
    }

    @Override
    public void freeHost(MemorySegment host) {
        Pointer p = hostAllocations.remove(host.address());
        if (p == null) throw new IllegalArgumentException("no pinned allocation at 0x" + Long.toHexString(host.address()));
        Cu.check(JCudaDriver.cuMemFreeHost(p), "cuMemFreeHost");
    }

    private static CUdeviceptr at(long address) {
        return new CUdeviceptr().withByteOffset(address); // JCuda passes native value + byte offset
    }

    private static Pointer host(MemorySegment s, long bytes) {
        return Pointer.to(s.asSlice(0, bytes).asByteBuffer());
    }

    @Override
    public void copyToDevice(long dst, MemorySegment src, long bytes) {
        Cu.check(JCudaDriver.cuMemcpyHtoDAsync(at(dst), host(src, bytes), bytes, stream.handle()), "cuMemcpyHtoDAsync");
    }

    @Override
    public void copyToHost(MemorySegment dst, long src, long bytes) {
        Cu.check(JCudaDriver.cuMemcpyDtoHAsync(host(dst, bytes), at(src), bytes, stream.handle()), "cuMemcpyDtoHAsync");
    }

    @Override
    public void copyToDeviceNow(long dst, MemorySegment src, long bytes) {
        byte[] b = src.asSlice(0, bytes).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        stream.synchronize();
        Cu.check(JCudaDriver.cuMemcpyHtoD(at(dst), Pointer.to(b), bytes), "cuMemcpyHtoD");
    }

    @Override
    public void fill32(long dst, int value, long count) {
        Cu.check(JCudaDriver.cuMemsetD32Async(at(dst), value, count, stream.handle()), "cuMemsetD32Async");
    }

    @Override
    public void synchronize() {
        stream.synchronize();
    }

    @Override
    public KernelRunner kernels() {
        return runner;
    }

    @Override
    public void setSyncEachLaunch(boolean on) {
        runner.setSyncEachLaunch(on);
    }

    @Override
    public Marker marker() {
        return new StreamMarker(stream);
    }

    /** An event recorded on one stream; any stream can be made to wait for it. */
    private static final class StreamMarker implements Marker {
        private final CudaStream stream;
        private final CudaEvent event = new CudaEvent(false);
        private boolean recorded;

        StreamMarker(CudaStream stream) {
            this.stream = stream;
        }

        @Override
        public void record() {
            event.record(stream);
            recorded = true;
        }

        @Override
        public void await() {
            if (recorded) event.synchronize();
        }

        void makeWait(CudaStream waiting) {
            if (recorded) event.makeWait(waiting);
        }

        @Override
        public void close() {
            event.close();
        }
    }

    private static StreamMarker ours(Marker m) {
        if (m instanceof StreamMarker s) return s;
        throw new IllegalArgumentException("marker of another GPU");
    }

    @Override
    public void waitFor(Marker point) {
        ours(point).makeWait(stream);
    }

    @Override
    public CopyQueue copyQueue() {
        CudaStream copies = new CudaStream();
        return new CopyQueue() {
            @Override
            public void copyToDevice(long dst, MemorySegment src, long bytes) {
                Cu.check(JCudaDriver.cuMemcpyHtoDAsync(at(dst), host(src, bytes), bytes, copies.handle()), "cuMemcpyHtoDAsync (copy queue)");
            }

            @Override
            public void waitFor(Marker point) {
                ours(point).makeWait(copies);
            }

            @Override
            public Marker marker() {
                return new StreamMarker(copies);
            }

            @Override
            public void close() {
                copies.synchronize();
                copies.close();
            }
        };
    }

    @Override
    public Replay capture(Runnable work) {
        CudaGraph g = CudaGraph.capture(runner, work);
        return new Replay() {
            @Override
            public void launch() {
                g.launch();
            }

            @Override
            public void close() {
                g.close();
            }
        };
    }

    @Override
    public void close() {
        try {
            stream.synchronize();
        } finally {
            runner.close();
            stream.close();
            context.close();
        }
    }
}
