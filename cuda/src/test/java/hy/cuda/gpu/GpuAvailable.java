package hy.cuda.gpu;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import hy.cuda.CudaProbe;
import hy.cuda.backend.CudaBackend;

/**
 * The GPU for a test class: {@link #open} gives null without a device, and {@link #require} (called before each test)
 * skips the test with the probe's reason, so every GPU test shows as skipped, with why, in the Surefire report.
 */
final class GpuAvailable {
    private GpuAvailable() {}

    static CudaBackend open() {
        if (!CudaProbe.available()) return null;
        CudaBackend b = CudaBackend.open(CudaBackend.Options.defaults().withLog(m -> System.out.println("cuda: " + m)));
        b.setSynchronousLaunches(true); // a fault is reported by the kernel that caused it
        return b;
    }

    static void require(CudaBackend gpu) {
        assumeTrue(gpu != null, () -> "no usable CUDA device: " + CudaProbe.reason());
    }
}
