package hy.cuda;

/**
 * A CUDA driver call that failed: names the call, what it was doing (the kernel, the buffer) and the driver's error,
 * e.g. {@code cuLaunchKernel(matvec_q4_0_n1) failed: CUDA_ERROR_INVALID_VALUE (1)}.
 */
public class CudaCallException extends RuntimeException {
    private final String call;
    private final int result;

    public CudaCallException(String call, String subject, int result) {
        this(call, subject, result, null);
    }

    protected CudaCallException(String call, String subject, int result, String extra) {
        super(call + (subject == null || subject.isEmpty() ? "" : "(" + subject + ")") + " failed: "
                + Cu.errorName(result) + " (" + result + ")" + (extra == null ? "" : "; " + extra));
        this.call = call;
        this.result = result;
    }

    /** The driver function, e.g. "cuMemAlloc". */
    public String call() {
        return call;
    }

    /** The CUresult code. */
    public int result() {
        return result;
    }
}
