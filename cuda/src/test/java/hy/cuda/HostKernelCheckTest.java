package hy.cuda;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real kernel sources run on the CPU through a SIMT emulator (kernels-ptx/host-check/simt.h: a thread per CUDA
 * thread, barriers, warp shuffles, mma.sync computed from the documented fragment layout) against plain
 * double-precision references (kernels-ptx/host-check/kernel_check.cpp): indexing, tiling, masking, tensor-core
 * fragments, online softmax, MoE routing and grouping. No GPU needed; nvcc (as the C++ driver that knows the CUDA
 * headers) must be on PATH. Slow (the emulator runs every format); EmulatedBackendTest covers the default run.
 */
@Tag("slow")
class HostKernelCheckTest {
    @TempDir
    Path tmp;

    @Test
    void everyKernelComputesTheReferenceOnTheEmulator() throws Exception {
        run(false);
    }

    private void run(boolean quick) throws Exception {
        Path nvcc = Toolkit.onPath("nvcc");
        assumeTrue(nvcc != null, "nvcc is not on PATH: emulated kernel check skipped");
        Path src = KernelSources.DIR.getParent().resolve("host-check/kernel_check.cpp");
        Path exe = tmp.resolve("kernel_check");
        Toolkit.Result build = Toolkit.exec(List.of(nvcc.toString(), "-x", "c++", "-std=c++20", "-O1", "-w", "-Xcompiler", "-pthread", "-o",
                exe.toString(), src.toString()), 600);
        assertEquals(0, build.code(), "build failed:\n" + build.out());
        long seed = System.nanoTime() & 0xFFFF_FFFFL;
        Toolkit.Result r = Toolkit.exec(quick ? List.of(exe.toString(), Long.toString(seed), "quick") : List.of(exe.toString(), Long.toString(seed)), 600);
        System.out.println(r.out());
        assertEquals(0, r.code(), "seed " + seed + ":\n" + r.out());
        assertTrue(r.out().strip().endsWith("all kernel checks passed"), r.out());
    }

}
