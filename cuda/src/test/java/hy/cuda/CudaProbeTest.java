package hy.cuda;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import hy.cuda.backend.CudaBackend;
import org.junit.jupiter.api.Test;

/** The probe answers on any machine, never throws, and explains a "no". */
class CudaProbeTest {
    @Test
    void answersOnceWithAReasonWhenUnavailable() {
        CudaProbe.Result r = assertDoesNotThrow(CudaProbe::probe);
        System.out.println("CudaProbe: " + (r.available() ? r.device() : "no device: " + r.reason()));
        assertSame(r, CudaProbe.probe(), "the answer is cached");
        if (r.available()) {
            assertEquals("", r.reason());
            assertNotNull(r.device());
            assertTrue(r.device().computeMajor() >= 8);
        } else {
            assertFalse(r.reason().isBlank());
            assertNull(r.device());
        }
    }

    @Test
    void withoutADriverTheReasonNamesTheMissingLibrary() {
        assumeFalse(CudaProbe.available(), "this machine has a usable GPU");
        String reason = CudaProbe.reason();
        assertTrue(reason.contains("libcuda") || reason.contains("driver") || reason.contains("device") || reason.contains("disabled")
                || reason.contains("JCuda"), reason);
        assertFalse(reason.contains("\n"), "one line: " + reason);
    }

    @Test
    void offSwitchDisablesWithoutTouchingJCuda() {
        String old = System.getProperty("hy.cuda");
        System.setProperty("hy.cuda", "off");
        try {
            CudaProbe.Result r = CudaProbe.run();
            assertFalse(r.available());
            assertEquals("CUDA is disabled (-Dhy.cuda=off)", r.reason());
        } finally {
            if (old == null) System.clearProperty("hy.cuda");
            else System.setProperty("hy.cuda", old);
        }
    }

    @Test
    void nativeLibraryErrorsBecomeOneLine() {
        var e = new UnsatisfiedLinkError("Error while loading native library \"JCudaDriver-12.6.0-linux-x86_64\"\n"
                + "Operating system name: Linux\n/tmp/libJCudaDriver.so: libcuda.so.1: cannot open shared object file");
        assertEquals("the NVIDIA driver library (libcuda.so.1) is not installed or not on the library path",
                CudaProbe.nativeLibraryProblem(e));
        var other = new UnsatisfiedLinkError("no JCudaDriver in java.library.path\nmore");
        assertEquals("the JCuda native library could not be loaded (UnsatisfiedLinkError: no JCudaDriver in java.library.path)",
                CudaProbe.nativeLibraryProblem(other));
    }

    @Test
    void openingTheBackendWithoutADeviceSaysWhy() {
        assumeFalse(CudaProbe.available(), "this machine has a usable GPU");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> CudaBackend.open(CudaBackend.Options.defaults()));
        assertEquals("no usable CUDA device: " + CudaProbe.reason(), e.getMessage());
    }

    @Test
    void errorNamesComeFromTheDriverTable() {
        assertEquals("CUDA_ERROR_OUT_OF_MEMORY", Cu.errorName(2));
        CudaCallException e = new CudaCallException("cuLaunchKernel", "matvec_q4_0_n1, grid 1×1×1, block 128", 1);
        assertEquals("cuLaunchKernel(matvec_q4_0_n1, grid 1×1×1, block 128) failed: CUDA_ERROR_INVALID_VALUE (1)", e.getMessage());
        GpuOutOfMemoryException oom = new GpuOutOfMemoryException("KV cache keys", 3L << 30, 1L << 30, 80L << 30, "weights 70.00 GiB", 2);
        assertTrue(oom.getMessage().startsWith("cuMemAlloc(KV cache keys) failed: CUDA_ERROR_OUT_OF_MEMORY (2); asked for 3.00 GiB, "
                + "the GPU has 1.00 GiB free of 80.00 GiB (hy holds weights 70.00 GiB)"), oom.getMessage());
    }
}
