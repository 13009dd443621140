package hy.offload;

import static org.junit.jupiter.api.Assertions.assertEquals;

import hy.runtime.model.HunyuanConfig;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ScratchEstimateTest {
    private static final HunyuanConfig C = TestModels.tinyConfig(4);

    @Test
    void everyPartFollowsTheDocumentedFormula() {
        // T=10, hidden=q=64, kv=32, heads=4, 8 experts top-2 of width 32, shared width 32, vocab 1000.
        ScratchEstimate s = ScratchEstimate.of(C, 10, EnumSet.allOf(TensorGroup.class), true, true);
        assertEquals(3 * 10 * 64 * 4, s.residual());
        assertEquals((2 * 10 * 64 + 2 * 10 * 32 + 10 * 64 + 2 * 10 * 4) * 4, s.attention());
        assertEquals(10 * 8 * 4 + 10 * 2 * 8, s.router());
        assertEquals(2 * 10 * 32 * 4, s.sharedExpert());
        assertEquals((2 * 10 * 2 * 32 + 10 * 2 * 64) * 4, s.routedExperts());
        assertEquals(10 * 2 * 34, s.activationQuant());
        assertEquals(10 * 1000 * 4, s.logits());
        assertEquals(72200, s.total());
    }

    @Test
    void aDeviceOnlyPaysForWhatItRuns() {
        assertEquals(0, ScratchEstimate.of(C, 512, Set.of(), false, false).total());
        ScratchEstimate experts = ScratchEstimate.of(C, 10, EnumSet.of(TensorGroup.ROUTED_EXPERTS), true, false);
        assertEquals(0, experts.attention() + experts.logits() + experts.router() + experts.sharedExpert());
        ScratchEstimate streamed = ScratchEstimate.of(C, 10, EnumSet.of(TensorGroup.ATTENTION), true, false);
        assertEquals(experts.routedExperts(), streamed.routedExperts(), "streamed experts need the same intermediates");
    }

    /** The hybrid executor keeps the logits with the other batch buffers on the GPU, wherever the output runs. */
    @Test
    void theGpuPaysForTheLogitsEvenWhenTheOutputRunsOnTheCpu() {
        PlacementRequest r = PlacementRequest.defaults(100, 1L << 30).withUserRules(java.util.List.of(PlacementRule.parse("output=CPU")));
        PlacementPlan p = PlacementPlan.of(TestModels.tiny(4), r);
        assertEquals(Device.CPU, p.deviceOf("output.weight"));
        assertEquals(512L * C.vocabSize() * 4, p.scratch(Device.CUDA0).logits());
        assertEquals(512L * C.vocabSize() * 4, p.scratch(Device.CPU).logits(), "the CPU computes them into host memory first");
        assertEquals(512L * C.vocabSize() * 4, PlacementPlan.of(TestModels.tiny(4), PlacementRequest.defaults(100, 0)).scratch(Device.CPU).logits(),
                "without a GPU the CPU holds them");
    }

    @Test
    void scalesWithTheMicroBatchNotTheContext() {
        Set<TensorGroup> all = EnumSet.allOf(TensorGroup.class);
        assertEquals(2 * ScratchEstimate.of(C, 10, all, true, true).total(), ScratchEstimate.of(C, 20, all, true, true).total());
        assertEquals(PlacementPlan.of(TestModels.tiny(4), PlacementRequest.defaults(100, 1L << 30)).scratch(Device.CUDA0),
                PlacementPlan.of(TestModels.tiny(4), PlacementRequest.defaults(100_000, 1L << 30)).scratch(Device.CUDA0));
    }
}
