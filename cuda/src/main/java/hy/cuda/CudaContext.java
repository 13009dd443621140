package hy.cuda;

import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.JCudaDriver;

/**
 * The device's primary context (the one the CUDA runtime and cuBLAS also use), made current on whichever thread calls
 * {@link #bind()}: a context is current per thread, and hy's backend may be called from several threads in turn.
 */
public final class CudaContext implements AutoCloseable {
    private final DeviceInfo device;
    private final CUdevice handle = new CUdevice();
    private final CUcontext context = new CUcontext();
    private boolean closed;

    /** Opens the device {@link CudaProbe} found; throws with the probe's reason when there is none. */
    public static CudaContext open() {
        CudaProbe.Result p = CudaProbe.probe();
        if (!p.available()) throw new IllegalStateException("no usable CUDA device: " + p.reason());
        return new CudaContext(p.device());
    }

    private CudaContext(DeviceInfo device) {
        this.device = device;
        Cu.check(JCudaDriver.cuDeviceGet(handle, device.ordinal()), "cuDeviceGet");
        Cu.check(JCudaDriver.cuDevicePrimaryCtxRetain(context, handle), "cuDevicePrimaryCtxRetain", device.name());
        bind();
    }

    public DeviceInfo device() {
        return device;
    }

    /** Makes this context current on the calling thread. */
    public void bind() {
        if (closed) throw new IllegalStateException("CUDA context is closed");
        Cu.check(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
    }

    /** {free, total} bytes of device memory now. */
    public long[] memoryInfo() {
        long[] free = new long[1], total = new long[1];
        Cu.check(JCudaDriver.cuMemGetInfo(free, total), "cuMemGetInfo");
        return new long[] {free[0], total[0]};
    }

    /** Waits for all work on the device. */
    public void synchronize() {
        Cu.check(JCudaDriver.cuCtxSynchronize(), "cuCtxSynchronize");
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        JCudaDriver.cuDevicePrimaryCtxRelease(handle);
    }
}
