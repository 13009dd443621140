package hy.cuda.gpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import hy.cuda.backend.CudaBackend;
import hy.cuda.selftest.OpChecks;
import hy.cuda.selftest.OpResult;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

/** Every CUDA op against the CPU backend (hy.cuda.selftest.OpChecks): one test per op, format and batch size. */
@Tag("gpu")
class GpuOpsTest {
    static CudaBackend gpu;

    @BeforeAll
    static void open() {
        gpu = GpuAvailable.open();
    }

    @AfterAll
    static void close() {
        if (gpu != null) gpu.close();
    }

    @TestFactory
    Stream<DynamicTest> everyOpMatchesTheCpu() {
        if (gpu == null) return Stream.of(DynamicTest.dynamicTest("every op", () -> GpuAvailable.require(gpu)));
        long seed = System.nanoTime();
        System.out.println("GpuOpsTest seed " + seed + "\n" + OpResult.header());
        return new OpChecks(gpu, seed).all().stream().map(r -> DynamicTest.dynamicTest(r.op() + " " + r.detail(), () -> {
            System.out.println(r.row());
            assertTrue(r.passed(), r.row());
        }));
    }
}
