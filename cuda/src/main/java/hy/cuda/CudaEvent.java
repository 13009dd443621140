package hy.cuda;

import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.JCudaDriver;

/** A marker in a stream: for timing device work and for waiting until a copy has finished. */
public final class CudaEvent implements AutoCloseable {
    private final CUevent handle = new CUevent();

    public CudaEvent() {
        this(true);
    }

    /** @param timing whether {@link #millisSince} will be asked (events without timing are cheaper to record and wait on) */
    public CudaEvent(boolean timing) {
        int flags = timing ? CUevent_flags.CU_EVENT_DEFAULT : CUevent_flags.CU_EVENT_DISABLE_TIMING;
        Cu.check(JCudaDriver.cuEventCreate(handle, flags), "cuEventCreate");
    }

    public void record(CudaStream stream) {
        Cu.check(JCudaDriver.cuEventRecord(handle, stream.handle()), "cuEventRecord");
    }

    /** Work queued on {@code stream} from now on waits for this event (its last record). */
    public void makeWait(CudaStream stream) {
        Cu.check(JCudaDriver.cuStreamWaitEvent(stream.handle(), handle, 0), "cuStreamWaitEvent");
    }

    public void synchronize() {
        Cu.check(JCudaDriver.cuEventSynchronize(handle), "cuEventSynchronize");
    }

    /** Milliseconds from {@code start} to this event (both recorded and complete). */
    public float millisSince(CudaEvent start) {
        float[] ms = new float[1];
        Cu.check(JCudaDriver.cuEventElapsedTime(ms, start.handle, handle), "cuEventElapsedTime");
        return ms[0];
    }

    @Override
    public void close() {
        JCudaDriver.cuEventDestroy(handle);
    }
}
