package hy.offload.selftest;

import static org.junit.jupiter.api.Assertions.*;

import hy.cuda.backend.CudaBackend;
import hy.cuda.emu.EmulatedGpu;
import hy.runtime.convert.SyntheticModel;
import hy.runtime.convert.TypePlan;
import hy.runtime.model.HunyuanConfig;
import hy.runtime.tensor.GgmlType;
import hy.runtime.testing.ExampleFiles;
import hy.runtime.testing.HfTiny;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GPU self-test's hybrid check with the real CUDA backend on the kernel emulator: full GPU, experts on the CPU,
 * --n-cpu-moe 1, --auto under a tight budget, and big-batch streaming through GPU staging all reproduce the CPU's
 * logits and greedy text.
 */
class EmulatedHybridCheckTest {

    @Test
    void everyPlacementMatchesTheCpu(@TempDir Path tmp) throws Exception {
        HunyuanConfig c = ExampleFiles.TINY_CONFIG;
        Path gguf = tmp.resolve("tiny-f32.gguf");
        SyntheticModel.write(gguf, c, TypePlan.of(GgmlType.F32), 9, SyntheticModel.Options.defaults(c).withThreads(1));
        List<HybridCheck.Report> reports;
        try (CudaBackend gpu = CudaBackend.on(EmulatedGpu.open(), CudaBackend.Options.defaults().withLog(m -> {}))) {
            reports = HybridCheck.run(gguf, gpu, GgmlType.F32, 12, 8, 4);
        }
        StringBuilder failed = new StringBuilder();
        for (HybridCheck.Report r : reports) {
            System.out.println(r.line());
            if (!r.passed(1e-4)) failed.append(r.line()).append('\n');
        }
        assertEquals("", failed.toString());
        assertEquals(5, reports.size());
        assertEquals("CUDA", reports.get(0).runner(), "-ngl 99 runs on the GPU alone");
        for (int i = 1; i < 5; i++) assertEquals("CUDA+CPU", reports.get(i).runner(), reports.get(i).flags());
        assertTrue(reports.get(3).flags().contains("--n-cpu-moe"), "--auto chose a mixed placement: " + reports.get(3).flags());
        HybridCheck.Report streamed = reports.get(4);
        assertTrue(streamed.flags().contains("--op-offload-min-batch 3"), streamed.flags());
        assertTrue(streamed.layersStaged() >= c.layers(), "the prompt streamed its experts: " + streamed.line());
    }

    /**
     * The acceptance on the fixture itself: hf_tiny (transformers' layout, converted to F32), every placement
     * with a 64-token greedy continuation on the emulated GPU. Slow (minutes on the emulator): -Dgroups=slow.
     */
    @Test
    @Tag("slow")
    void hfTinyEveryPlacementMatchesTheCpuFor64Tokens(@TempDir Path tmp) throws Exception {
        Path gguf = HfTiny.convert(tmp, GgmlType.F32);
        List<HybridCheck.Report> reports;
        try (CudaBackend gpu = CudaBackend.on(EmulatedGpu.open(), CudaBackend.Options.defaults().withLog(m -> {}))) {
            reports = HybridCheck.run(gguf, gpu, GgmlType.F32, 16, 64, 5);
        }
        StringBuilder failed = new StringBuilder();
        for (HybridCheck.Report r : reports) {
            System.out.println(r.line());
            if (!r.passed(1e-4)) failed.append(r.line()).append('\n');
        }
        assertEquals("", failed.toString());
        assertEquals(5, reports.size());
    }
}
