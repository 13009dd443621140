package hy.offload;

import static hy.offload.TestModels.GIB;
import static hy.offload.TestModels.rules;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class AutoPlacementTest {
    private static final ModelInventory A13B = TestModels.a13b();

    private static PlacementPlan auto(long budget) {
        return PlacementPlan.of(A13B, AutoPlacement.choose(A13B, PlacementRequest.defaults(32768, budget)));
    }

    @Test
    void aLargerBudgetNeverPutsFewerBytesOnTheGpu() {
        long previous = -1;
        for (long budget = 0; budget <= 52 * GIB; budget += GIB / 2) {
            PlacementPlan p = auto(budget);
            assertTrue(p.fits(), MemorySize.human(budget) + ": " + p.summaryLines());
            long onGpu = p.weightBytes(Device.CUDA0) + p.kvBytes(Device.CUDA0);
            assertTrue(onGpu >= previous, "budget " + MemorySize.human(budget) + " placed less than a smaller budget");
            previous = onGpu;
        }
        assertEquals(A13B.totalBytes(), auto(52 * GIB).weightBytes(Device.CUDA0), "52 GiB holds the whole model");
    }

    @Test
    void itFillsAttentionAndCacheBeforeExperts() {
        PlacementPlan small = auto(6 * GIB);
        assertTrue(small.request().cpuMoe(), small.summaryLines().toString());
        assertTrue(small.gpuAttentionLayers() > 0 && small.gpuAttentionLayers() < 32);
        PlacementPlan mid = auto(24 * GIB);
        assertEquals(32, mid.gpuAttentionLayers());
        assertEquals(List.of("-ngl", "99", "--n-cpu-moe", Integer.toString(mid.request().nCpuMoe())), mid.request().placementFlags(32));
        assertTrue(mid.request().nCpuMoe() > 0 && mid.request().nCpuMoe() < 32);
        assertTrue(mid.bytes(Device.CUDA0, TensorGroup.ROUTED_EXPERTS) > 0);
    }

    @Test
    void itTakesTheHighestRungThatFits() {
        for (long budget : new long[] {3 * GIB, 7 * GIB, 20 * GIB, 30 * GIB}) {
            PlacementRequest base = PlacementRequest.defaults(32768, budget);
            PlacementRequest chosen = AutoPlacement.choose(A13B, base);
            List<PlacementRequest> ladder = AutoPlacement.ladder(32, base);
            int at = ladder.indexOf(chosen);
            assertTrue(at >= 0);
            for (int i = at + 1; i < ladder.size(); i++) {
                assertFalse(PlacementPlan.of(A13B, ladder.get(i)).fits(), "rung " + i + " fits " + MemorySize.human(budget));
            }
        }
    }

    @Test
    void userRulesStillWin() {
        PlacementRequest base = PlacementRequest.defaults(32768, 24 * GIB).withUserRules(rules("exps=CPU"));
        PlacementRequest chosen = AutoPlacement.choose(A13B, base);
        assertEquals(List.of("-ngl", "99", "-ot", "exps=CPU"), chosen.placementFlags(32));
    }

    @Test
    void withoutAGpuItIsTheCpu() {
        PlacementRequest chosen = AutoPlacement.choose(A13B, PlacementRequest.defaults(4096, 0));
        assertEquals(List.of("-ngl", "0"), chosen.placementFlags(32));
    }
}
