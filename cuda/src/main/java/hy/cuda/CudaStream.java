package hy.cuda;

import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;
import jcuda.driver.JCudaDriver;

/** An ordered queue of device work; hy issues a forward pass on one stream. */
public final class CudaStream implements AutoCloseable {
    private final CUstream handle = new CUstream();

    public CudaStream() {
        Cu.check(JCudaDriver.cuStreamCreate(handle, CUstream_flags.CU_STREAM_NON_BLOCKING), "cuStreamCreate");
    }

    public CUstream handle() {
        return handle;
    }

    public void synchronize() {
        Cu.check(JCudaDriver.cuStreamSynchronize(handle), "cuStreamSynchronize");
    }

    @Override
    public void close() {
        JCudaDriver.cuStreamDestroy(handle);
    }
}
