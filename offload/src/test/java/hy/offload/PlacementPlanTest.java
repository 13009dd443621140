package hy.offload;

import static hy.offload.TestModels.request;
import static hy.offload.TestModels.rules;
import static hy.offload.TestModels.tiny;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hy.runtime.backend.Backend;
import hy.runtime.cpu.backend.CpuBackend;
import hy.runtime.model.TensorNames;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Placement rules on a 4-layer model: -ngl, -ot, --cpu-moe, --n-cpu-moe, the tied output, byte accounting. */
class PlacementPlanTest {
    private static final ModelInventory TINY = tiny(4);
    private static final long BUDGET = 1L << 30;

    private static PlacementPlan plan(PlacementRequest r) {
        return PlacementPlan.of(TINY, r);
    }

    private static PlacementPlan ngl(int n) {
        return plan(request(256, BUDGET).withGpuLayers(n));
    }

    /** The layers (−1: non-layer tensors) that have any tensor on CUDA0. */
    private static List<Integer> gpuLayers(PlacementPlan p) {
        return p.placements().stream().filter(x -> x.device().isGpu()).map(x -> x.tensor().layer()).distinct().sorted().toList();
    }

    @Test
    void ngl0KeepsEverythingOnTheCpu() {
        PlacementPlan p = ngl(0);
        assertTrue(p.placements().stream().allMatch(x -> x.device() == Device.CPU));
        assertEquals(Device.CPU, p.tiedOutputDevice());
        assertEquals(0, p.total(Device.CUDA0));
        assertEquals(0, p.gpuAttentionLayers());
    }

    @Test
    void nglTakesTheLastLayers() {
        assertEquals(List.of(3), gpuLayers(ngl(1)));
        assertEquals(List.of(1, 2, 3), gpuLayers(ngl(3)));
        PlacementPlan one = ngl(1);
        assertEquals(Device.CUDA0, one.kvDevice(3));
        assertEquals(Device.CPU, one.kvDevice(2));
        assertEquals(1, one.gpuAttentionLayers());
    }

    @Test
    void theOutputGoesToTheGpuOnlyAboveTheLayerCount() {
        PlacementPlan all = ngl(4);
        assertEquals(List.of(0, 1, 2, 3), gpuLayers(all));
        assertEquals(Device.CPU, all.deviceOf(TensorNames.OUTPUT_NORM));
        assertEquals(Device.CPU, all.deviceOf(TensorNames.OUTPUT));
        assertEquals(Device.CPU, all.deviceOf(TensorNames.TOKEN_EMBD));
        for (int n : new int[] {5, 99}) {
            PlacementPlan p = ngl(n);
            assertEquals(List.of(-1, 0, 1, 2, 3), gpuLayers(p));
            assertEquals(Device.CUDA0, p.deviceOf(TensorNames.OUTPUT_NORM));
            assertEquals(Device.CUDA0, p.deviceOf(TensorNames.OUTPUT));
            assertEquals(Device.CUDA0, p.tiedOutputDevice());
            // Tied: the embedding follows the output, one copy.
            assertEquals(Device.CUDA0, p.deviceOf(TensorNames.TOKEN_EMBD));
            assertEquals(TINY.totalBytes(), p.weightBytes(Device.CUDA0));
        }
    }

    @Test
    void defaultNglIsAllWithAGpuAndNoneWithout() {
        PlacementPlan withGpu = plan(request(256, BUDGET));
        assertEquals(devices(ngl(99)), devices(withGpu));
        PlacementPlan noGpu = plan(request(256, 0));
        assertEquals(devices(ngl(0)), devices(noGpu));
        assertTrue(noGpu.fits());
    }

    @Test
    void firstMatchingRuleWins() {
        PlacementRequest r = request(256, BUDGET).withGpuLayers(0);
        PlacementPlan a = plan(r.withUserRules(rules("attn=CUDA0", "attn_q=CPU")));
        assertEquals(Device.CUDA0, a.deviceOf("blk.2.attn_q.weight"));
        PlacementPlan b = plan(r.withUserRules(rules("attn_q=CPU,attn=CUDA0")));
        assertEquals(Device.CPU, b.deviceOf("blk.2.attn_q.weight"));
        assertEquals(Device.CUDA0, b.deviceOf("blk.2.attn_k.weight"));
        assertEquals("-ot attn=CUDA0", b.placements().stream().filter(x -> x.tensor().name().equals("blk.2.attn_k.weight"))
                .findFirst().orElseThrow().reason());
    }

    @Test
    void rulesOverrideNgl() {
        PlacementPlan p = plan(request(256, BUDGET).withGpuLayers(99).withUserRules(rules("blk\\.0\\.=CPU")));
        assertTrue(p.placements().stream().filter(x -> x.tensor().layer() == 0).allMatch(x -> x.device() == Device.CPU));
        assertEquals(Device.CPU, p.kvDevice(0), "the KV cache follows the layer's attention");
        assertEquals(Device.CUDA0, p.kvDevice(1));
    }

    @Test
    void userRulesComeBeforeGeneratedOnes() {
        PlacementPlan p = plan(request(256, BUDGET).withGpuLayers(99).withCpuMoe(true, 0)
                .withUserRules(rules("blk\\.1\\.ffn_up_exps=CUDA0")));
        assertEquals(Device.CUDA0, p.deviceOf("blk.1.ffn_up_exps.weight"));
        assertEquals(Device.CPU, p.deviceOf("blk.1.ffn_down_exps.weight"));
        assertEquals(Device.CPU, p.deviceOf("blk.2.ffn_up_exps.weight"));
    }

    @Test
    void cpuMoeMovesEveryRoutedExpertAndNothingElse() {
        PlacementPlan p = plan(request(256, BUDGET).withGpuLayers(99).withCpuMoe(true, 0));
        for (PlacementPlan.Placement x : p.placements()) {
            Device want = x.tensor().group() == TensorGroup.ROUTED_EXPERTS ? Device.CPU : Device.CUDA0;
            assertEquals(want, x.device(), x.tensor().name());
        }
        assertEquals(0, p.bytes(Device.CUDA0, TensorGroup.ROUTED_EXPERTS));
        assertTrue(p.bytes(Device.CUDA0, TensorGroup.SHARED_EXPERTS) > 0);
    }

    @Test
    void nCpuMoeMovesTheExpertsOfTheFirstLayers() {
        PlacementPlan p = plan(request(256, BUDGET).withGpuLayers(99).withCpuMoe(false, 2));
        for (int l = 0; l < 4; l++) {
            Device want = l < 2 ? Device.CPU : Device.CUDA0;
            for (String t : List.of(TensorNames.ffnUpExps(l), TensorNames.ffnGateExps(l), TensorNames.ffnDownExps(l))) {
                assertEquals(want, p.deviceOf(t), t);
            }
            assertEquals(Device.CUDA0, p.deviceOf(TensorNames.ffnUpShexp(l)));
        }
        PlacementPlan more = plan(request(256, BUDGET).withGpuLayers(99).withCpuMoe(false, 40));
        assertEquals(0, more.bytes(Device.CUDA0, TensorGroup.ROUTED_EXPERTS));
    }

    @Test
    void aTiedOutputOnAnotherDeviceIsASecondCopy() {
        long embd = TINY.get(TensorNames.TOKEN_EMBD).bytes();
        long outNorm = TINY.get(TensorNames.OUTPUT_NORM).bytes();
        PlacementPlan shared = ngl(99);
        assertEquals(embd, shared.bytes(Device.CUDA0, TensorGroup.TOKEN_EMBD));
        assertEquals(outNorm, shared.bytes(Device.CUDA0, TensorGroup.OUTPUT));
        PlacementPlan split = plan(request(256, BUDGET).withGpuLayers(99).withUserRules(rules("token_embd=CPU")));
        assertEquals(embd, split.bytes(Device.CPU, TensorGroup.TOKEN_EMBD));
        assertEquals(outNorm + embd, split.bytes(Device.CUDA0, TensorGroup.OUTPUT));
        assertEquals(TINY.totalBytes() + embd, split.weightBytes(Device.CPU) + split.weightBytes(Device.CUDA0));
    }

    @Test
    void anUntiedModelKeepsItsEmbeddingOnTheCpu() {
        PlacementPlan p = PlacementPlan.of(TestModels.tinyUntied(4), request(256, BUDGET).withGpuLayers(99));
        assertNull(p.tiedOutputDevice());
        assertEquals(Device.CPU, p.deviceOf(TensorNames.TOKEN_EMBD));
        assertEquals(Device.CUDA0, p.deviceOf(TensorNames.OUTPUT));
        assertEquals(p.inventory().get(TensorNames.OUTPUT).bytes() + p.inventory().get(TensorNames.OUTPUT_NORM).bytes(),
                p.bytes(Device.CUDA0, TensorGroup.OUTPUT));
    }

    @Test
    void kvCacheIsSizedPerLayerOnItsDevice() {
        // kvDim 32: f16 rows of 64 bytes, q8_0 rows of one 34-byte block.
        PlacementPlan p = plan(request(1000, BUDGET).withGpuLayers(3));
        assertEquals(3L * 1000 * 64 * 2, p.kvBytes(Device.CUDA0));
        assertEquals(1L * 1000 * 64 * 2, p.kvBytes(Device.CPU));
        PlacementPlan q = plan(request(1000, BUDGET).withGpuLayers(3).withCacheTypes(hy.runtime.tensor.GgmlType.Q8_0, hy.runtime.tensor.GgmlType.F32));
        assertEquals(3L * 1000 * (34 + 128), q.kvBytes(Device.CUDA0));
    }

    @Test
    void expertStagingHoldsTwoLayersOfCpuExpertsForBigBatches() {
        long layerExperts = 3L * 8 * 32 * 64 * 4; // F32 gate, up, down of 8 experts
        PlacementRequest r = request(256, BUDGET).withGpuLayers(99).withCpuMoe(true, 0);
        assertEquals(2 * layerExperts, plan(r).stagingBytes());
        assertEquals(layerExperts, plan(r.withCpuMoe(false, 1)).stagingBytes(), "one CPU layer needs one buffer");
        assertEquals(0, plan(r.withOpOffload(false)).stagingBytes());
        assertEquals(0, plan(r.withUbatch(127)).stagingBytes(), "128 tokens × top-2 is the threshold for 8 experts");
        assertEquals(2 * layerExperts, plan(r.withUbatch(128)).stagingBytes());
        assertEquals(0, plan(r.withCpuMoe(false, 0)).stagingBytes(), "nothing to stream");
        assertEquals(0, plan(r.withGpuLayers(0)).stagingBytes(), "no GPU in use");
        PlacementPlan p = plan(r);
        assertEquals(p.weightBytes(Device.CUDA0) + p.kvBytes(Device.CUDA0) + p.scratch(Device.CUDA0).total() + p.stagingBytes(),
                p.total(Device.CUDA0));
    }

    @Test
    void fitsUpToTheBudgetExactly() {
        long need = ngl(99).total(Device.CUDA0);
        PlacementPlan exact = plan(request(256, need));
        assertTrue(exact.fits());
        assertNull(exact.overflowMessage());
        PlacementPlan short1 = plan(request(256, need - 1));
        assertFalse(short1.fits());
        assertEquals(1, short1.overflowBytes());
        assertTrue(short1.overflowMessage().matches("CUDA0 needs .* but the budget is .*: 1 B over \\(.*routed experts.*\\)"), short1.overflowMessage());
        String noGpu = plan(request(256, 0).withGpuLayers(2)).overflowMessage();
        assertTrue(noGpu.contains("no GPU memory"), noGpu);
    }

    @Test
    void summaryNamesFlagsBudgetAndVerdict() {
        List<String> lines = plan(request(256, BUDGET).withCpuMoe(true, 0)).summaryLines();
        assertTrue(lines.get(0).startsWith("placement: -ngl 99 --cpu-moe"), lines.get(0));
        String gpu = lines.stream().filter(l -> l.startsWith("CUDA0:")).findFirst().orElseThrow();
        assertTrue(gpu.contains("of 1.00 GiB budget") && gpu.endsWith("fits"), gpu);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("CPU:") && l.contains("routed experts")), lines.toString());
        assertTrue(plan(request(256, 0)).summaryLines().stream().noneMatch(l -> l.startsWith("CUDA0")), "no GPU line without a GPU");
    }

    @Test
    void backendForMapsEachTensorToItsDevicesBackend() {
        Backend cpu = new CpuBackend(), gpu = new CpuBackend();
        PlacementPlan p = plan(request(256, BUDGET).withGpuLayers(99).withCpuMoe(true, 0));
        var f = p.backendFor(cpu, gpu);
        assertSame(gpu, f.apply("blk.0.attn_q.weight"));
        assertSame(cpu, f.apply("blk.0.ffn_up_exps.weight"));
        assertSame(gpu, f.apply(TensorNames.OUTPUT), "the tied output is asked for by the name output.weight");
        var cpuOnly = p.backendFor(cpu, null);
        var e = assertThrows(IllegalStateException.class, () -> cpuOnly.apply("blk.0.attn_q.weight"));
        assertTrue(e.getMessage().contains("blk.0.attn_q.weight"));
    }

    private static Map<String, Device> devices(PlacementPlan p) {
        return p.placements().stream().collect(Collectors.toMap(x -> x.tensor().name(), PlacementPlan.Placement::device));
    }
}
