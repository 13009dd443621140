package hy.offload.exec;

import static org.junit.jupiter.api.Assertions.*;

import hy.cuda.backend.CudaBackend;
import hy.cuda.emu.EmulatedGpu;
import hy.offload.ModelInventory;
import hy.offload.PlacementPlan;
import hy.offload.PlacementRequest;
import hy.offload.PlacementRule;
import hy.runtime.convert.SyntheticModel;
import hy.runtime.convert.TypePlan;
import hy.runtime.cpu.backend.CpuBackend;
import hy.runtime.gguf.GgufFile;
import hy.runtime.model.HunyuanConfig;
import hy.runtime.model.HunyuanModel;
import hy.runtime.model.LogitsMode;
import hy.runtime.model.ModelWeights;
import hy.runtime.tensor.GgmlType;
import hy.runtime.testing.ExampleFiles;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hybrid executor with the real CUDA backend on the kernel emulator: `-ngl 99 -ot exps=CPU` with a streaming
 * threshold of 4 tokens, so a prompt's CPU-resident experts are copied through the GPU's staging slots (layer after
 * layer, two slots) and computed there, while single tokens compute them on the CPU. Both must give the CPU's logits.
 */
class EmulatedHybridStreamingTest {

    @Test
    void promptsStreamExpertsThroughStagingAndMatchTheCpu(@TempDir Path tmp) throws Exception {
        HunyuanConfig c = ExampleFiles.TINY_CONFIG;
        Path file = tmp.resolve("tiny-q8.gguf");
        SyntheticModel.write(file, c, TypePlan.of(GgmlType.Q8_0), 5, SyntheticModel.Options.defaults(c).withThreads(1));
        int[] prompt = {1, 17, 300, 42, 5, 99, 250, 7};
        try (GgufFile f = GgufFile.open(file)) {
            float[] expected;
            try (CpuBackend cpu = CpuBackend.floatReference(1)) {
                expected = run(new HunyuanModel(c, cpu, ModelWeights.load(c, f::tensorOrNull, n -> cpu), 8), prompt);
            }
            PlacementRequest r = new PlacementRequest(List.of(PlacementRule.parse("exps=CPU")), 99, false, 0, 64, 8, GgmlType.F32,
                    GgmlType.F32, 1L << 30, true, 4);
            PlacementPlan plan = PlacementPlan.of(ModelInventory.of(f), r);
            try (CudaBackend gpu = CudaBackend.on(EmulatedGpu.open(), CudaBackend.Options.defaults().withLog(m -> {}))) {
                CpuBackend cpu = CpuBackend.floatReference(1);
                Execution ex = Execution.of(plan, cpu, gpu);
                HybridBackend hybrid = assertInstanceOf(HybridBackend.class, ex.runner());
                HunyuanModel m = new HunyuanModel(c, hybrid, ModelWeights.load(c, f::tensorOrNull, ex.backendFor()), 8);
                float[] got = run(m, prompt);
                assertTrue(gpu.stagedBytes() > 0, "the prompt's experts went through staging");
                assertEquals(2, hybrid.layersStaged(), "two layers fit the two slots: each copied once, then kept");
                assertClose(expected, got);
                cpu.close();
            }
        }
    }

    /** The prompt in one batch (streams), then one more token (does not): the logits of both. */
    private static float[] run(HunyuanModel m, int[] prompt) {
        try (var cache = m.newKvCache(64, GgmlType.F32, GgmlType.F32)) {
            float[] a = m.forward(prompt, 0, cache, LogitsMode.ALL);
            float[] b = m.forward(new int[] {3}, prompt.length, cache, LogitsMode.LAST);
            float[] all = java.util.Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, all, a.length, b.length);
            return all;
        }
    }

    private static void assertClose(float[] expected, float[] got) {
        double maxAbs = 0, maxDiff = 0;
        for (int i = 0; i < got.length; i++) {
            maxAbs = Math.max(maxAbs, Math.abs(expected[i]));
            maxDiff = Math.max(maxDiff, Math.abs(expected[i] - got[i]));
        }
        assertTrue(maxDiff <= 2e-3 * maxAbs, "logits differ by " + maxDiff + " (max |logit| " + maxAbs + ")");
    }
}
