package hy.offload.exec;

import static org.junit.jupiter.api.Assertions.*;

import hy.offload.ModelInventory;
import hy.offload.PlacementPlan;
import hy.offload.PlacementRequest;
import hy.offload.PlacementRule;
import hy.runtime.cpu.backend.CpuBackend;
import hy.runtime.engine.Session;
import hy.runtime.gguf.GgufFile;
import hy.runtime.model.HunyuanConfig;
import hy.runtime.model.HunyuanModel;
import hy.runtime.model.LogitsMode;
import hy.runtime.model.ModelWeights;
import hy.runtime.tensor.GgmlType;
import hy.runtime.testing.HfTiny;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hybrid executor routes every op to the device holding its weights and moves activations between them. With a
 * second CPU backend standing in for the GPU (no device is needed), every placement must reproduce the single-backend
 * logits and greedy continuation: the plumbing (which op runs where, copies, the split MoE, the per-layer KV cache)
 * is what is tested; the CUDA kernels have their own suite.
 */
class HybridExecutionTest {
    @TempDir
    static Path tmp;
    static Path model;
    static HfTiny ref;
    static float[] cpuLogits;
    static int[] cpuGreedy;

    @BeforeAll
    static void reference() throws Exception {
        ref = HfTiny.reference();
        model = HfTiny.convert(tmp, GgmlType.F32);
        try (GgufFile f = GgufFile.open(model)) {
            HunyuanModel m = HfTiny.cpuModel(f, 64);
            cpuLogits = logits(m);
            cpuGreedy = greedy(m, 64);
        }
    }

    static float[] logits(HunyuanModel m) {
        try (Session s = new Session(m, 256, GgmlType.F32, GgmlType.F32)) {
            return s.evaluate(ref.tokenIds, LogitsMode.ALL);
        }
    }

    static int[] greedy(HunyuanModel m, int n) {
        try (Session s = new Session(m, 256, GgmlType.F32, GgmlType.F32)) {
            s.prefill(Arrays.copyOf(ref.tokenIds, ref.greedyPromptLength));
            int vocab = m.config().vocabSize();
            int[] out = new int[n];
            float[] l = s.logits();
            for (int i = 0; i < n; i++) {
                int best = 0;
                for (int j = 1; j < vocab; j++) if (l[j] > l[best]) best = j;
                out[i] = best;
                l = s.append(best);
            }
            return out;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"-ngl 99 -ot exps=CPU", "--n-cpu-moe 1", "-ngl 1", "-ngl 2 -ot attn_q=CPU", "-ngl 99 -ot ffn_.*_shexp=CPU"})
    void placementsReproduceTheCpuRun(String flags) throws Exception {
        try (GgufFile f = GgufFile.open(model)) {
            HunyuanConfig cfg = HunyuanConfig.fromGguf(f);
            PlacementPlan plan = PlacementPlan.of(ModelInventory.of(f), request(flags));
            CpuBackend cpu = new CpuBackend(1, false), fakeGpu = new CpuBackend(1, false);
            Execution ex = Execution.of(plan, cpu, fakeGpu);
            assertInstanceOf(HybridBackend.class, ex.runner(), flags + " should use both devices");
            HunyuanModel m = new HunyuanModel(cfg, ex.runner(), ModelWeights.load(cfg, f::tensorOrNull, ex.backendFor()), 64);
            float[] got = logits(m);
            double maxAbs = 0, maxDiff = 0;
            for (int i = 0; i < got.length; i++) {
                maxAbs = Math.max(maxAbs, Math.abs(cpuLogits[i]));
                maxDiff = Math.max(maxDiff, Math.abs(cpuLogits[i] - got[i]));
            }
            assertTrue(maxDiff <= 1e-5 * maxAbs, flags + ": logits differ by " + maxDiff);
            assertArrayEquals(cpuGreedy, greedy(m, 64), flags + ": greedy continuation");
        }
    }

    /**
     * -ub 64 with a streaming threshold of 4 tokens: the prompts run their CPU-resident experts on the (fake) GPU
     * through staging, the decode steps on the CPU; both must give the CPU's logits and greedy text.
     */
    @ParameterizedTest
    @ValueSource(strings = {"-ngl 99 -ot exps=CPU", "--n-cpu-moe 1"})
    void bigBatchesStreamCpuExpertsThroughGpuStaging(String flags) throws Exception {
        try (GgufFile f = GgufFile.open(model)) {
            HunyuanConfig cfg = HunyuanConfig.fromGguf(f);
            PlacementRequest r = request(flags).withOpOffload(true).withOpOffloadMinBatch(4);
            PlacementPlan plan = PlacementPlan.of(ModelInventory.of(f), r);
            assertEquals(4, plan.streamMinBatch());
            assertTrue(plan.stagingBytes() > 0, "the plan reserves staging");
            StagingFakeGpu fakeGpu = new StagingFakeGpu(new CpuBackend(1, false));
            Execution ex = Execution.of(plan, new CpuBackend(1, false), fakeGpu);
            HybridBackend hybrid = assertInstanceOf(HybridBackend.class, ex.runner());
            assertTrue(hybrid.streamsExperts());
            HunyuanModel m = new HunyuanModel(cfg, hybrid, ModelWeights.load(cfg, f::tensorOrNull, ex.backendFor()), 64);
            float[] got = logits(m);
            int streamedLayers = flags.contains("n-cpu-moe") ? 1 : cfg.layers();
            assertTrue(fakeGpu.awaits >= streamedLayers, "every CPU-resident layer ran from staging: " + fakeGpu.awaits);
            assertEquals(fakeGpu.stages, hybrid.layersStaged());
            double maxAbs = 0, maxDiff = 0;
            for (int i = 0; i < got.length; i++) {
                maxAbs = Math.max(maxAbs, Math.abs(cpuLogits[i]));
                maxDiff = Math.max(maxDiff, Math.abs(cpuLogits[i] - got[i]));
            }
            assertTrue(maxDiff <= 1e-5 * maxAbs, flags + ": logits differ by " + maxDiff);
            int awaitsBefore = fakeGpu.awaits;
            assertArrayEquals(cpuGreedy, greedy(m, 64), flags + ": greedy continuation");
            assertEquals(awaitsBefore + streamedLayers, fakeGpu.awaits, "only the greedy prompt streams, the decode steps do not");
        }
    }

    @Test
    void aLayerWhoseExpertsAreSplitBetweenDevicesIsRefusedAtLoad() throws Exception {
        try (GgufFile f = GgufFile.open(model)) {
            HunyuanConfig cfg = HunyuanConfig.fromGguf(f);
            PlacementPlan plan = PlacementPlan.of(ModelInventory.of(f), request("-ngl 99 -ot blk.1.ffn_gate_exps=CPU"));
            Execution ex = Execution.of(plan, new CpuBackend(1, false), new CpuBackend(1, false));
            ModelWeights w = ModelWeights.load(cfg, f::tensorOrNull, ex.backendFor());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new HunyuanModel(cfg, ex.runner(), w, 64));
            assertTrue(e.getMessage().contains("layer 1's routed experts are split between CPU and GPU"), e.getMessage());
        }
    }

    static PlacementRequest request(String flags) {
        String[] a = flags.split(" ");
        Integer ngl = null;
        int nCpuMoe = 0;
        List<PlacementRule> rules = new java.util.ArrayList<>();
        for (int i = 0; i < a.length; i += 2) {
            switch (a[i]) {
                case "-ngl" -> ngl = Integer.parseInt(a[i + 1]);
                case "--n-cpu-moe" -> nCpuMoe = Integer.parseInt(a[i + 1]);
                case "-ot" -> rules.add(PlacementRule.parse(a[i + 1]));
                default -> throw new IllegalArgumentException(a[i]);
            }
        }
        return new PlacementRequest(rules, ngl, false, nCpuMoe, 256, 64, GgmlType.F32, GgmlType.F32, 1L << 30, false, 0);
    }
}
