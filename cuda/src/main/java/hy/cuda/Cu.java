package hy.cuda;

import jcuda.driver.CUresult;

/**
 * Result checking for JCuda driver calls. JCuda's own exceptions are left off (they name neither our kernel nor our
 * buffer); every call goes through {@link #check} instead.
 */
public final class Cu {
    private Cu() {}

    /** Throws {@link CudaCallException} unless {@code result} is CUDA_SUCCESS. */
    public static void check(int result, String call, String subject) {
        if (result != CUresult.CUDA_SUCCESS) throw new CudaCallException(call, subject, result);
    }

    public static void check(int result, String call) {
        check(result, call, null);
    }

    /** "CUDA_ERROR_OUT_OF_MEMORY" for 2; a generic name for codes this JCuda version does not know. */
    public static String errorName(int result) {
        try {
            String s = CUresult.stringFor(result);
            return s == null || s.startsWith("INVALID CUresult") ? "CUDA error " + result : s;
        } catch (LinkageError e) { // JCuda classes unusable: still give a message
            return "CUDA error " + result;
        }
    }
}
