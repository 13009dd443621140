package hy.offload;

import static hy.offload.TestModels.GIB;
import static hy.offload.TestModels.rules;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hy.runtime.tensor.GgmlType;
import org.junit.jupiter.api.Test;

/**
 * The released shape (hunyuan-spec §1.1, §2.3) with Q4_0 routed experts and Q8_0 elsewhere. Expected bytes are
 * worked out here from the tensor shapes and ggml's block sizes (Q8_0: 34 bytes per 32 weights, Q4_0: 18).
 */
class A13bPlanTest {
    private static final ModelInventory A13B = TestModels.a13b();
    private static final long Q8_ROW_4096 = 4096 / 32 * 34, Q8_ROW_3072 = 3072 / 32 * 34;
    private static final long Q4_ROW_4096 = 4096 / 32 * 18, Q4_ROW_3072 = 3072 / 32 * 18;

    /** The acceptance: --gpu-mem 24G -ot exps=CPU -c 32768 fits, with every group where it belongs. */
    @Test
    void expertsOnTheCpuFitA24GiBCard() {
        PlacementPlan p = PlacementPlan.of(A13B, PlacementRequest.defaults(32768, 24 * GIB).withUserRules(rules("exps=CPU")));
        long routedPerLayer = 2 * 64 * 3072 * Q4_ROW_4096 + 64 * 4096 * Q4_ROW_3072;
        assertEquals(32 * routedPerLayer, p.bytes(Device.CPU, TensorGroup.ROUTED_EXPERTS));
        assertEquals(32 * routedPerLayer, p.weightBytes(Device.CPU), "only the routed experts stay on the CPU");
        long attention = (4096 + 1024 + 1024 + 4096) * Q8_ROW_4096 + 2 * 128 * 4;
        assertEquals(32 * attention, p.bytes(Device.CUDA0, TensorGroup.ATTENTION));
        assertEquals(32 * (2 * 3072 * Q8_ROW_4096 + 4096 * Q8_ROW_3072), p.bytes(Device.CUDA0, TensorGroup.SHARED_EXPERTS));
        assertEquals(32 * 64 * 4096 * 4, p.bytes(Device.CUDA0, TensorGroup.ROUTER));
        assertEquals(32 * 2 * 4096 * 4, p.bytes(Device.CUDA0, TensorGroup.NORMS));
        assertEquals(128167 * Q8_ROW_4096, p.bytes(Device.CUDA0, TensorGroup.TOKEN_EMBD));
        assertEquals(4096 * 4, p.bytes(Device.CUDA0, TensorGroup.OUTPUT), "output_norm; the tied output shares token_embd");
        assertEquals(4 * GIB, p.kvBytes(Device.CUDA0));
        assertEquals(2 * routedPerLayer, p.stagingBytes(), "-ub 512 streams experts: two Q4_0 layers of staging");
        assertEquals(32, p.gpuAttentionLayers());
        assertTrue(p.fits(), p.summaryLines().toString());
        // 3.3 GiB of weights, 4 GiB of KV cache, 2.5 GiB of staging and about half a GiB of scratch.
        assertTrue(p.total(Device.CUDA0) > 10 * GIB && p.total(Device.CUDA0) < 10.5 * GIB, MemorySize.human(p.total(Device.CUDA0)));
    }

    @Test
    void kvCacheBytesAtFullContext() {
        long perCacheF16 = 32L * 32768 * 1024 * 2;
        assertEquals(2 * perCacheF16, kv(GgmlType.F16, GgmlType.F16));
        assertEquals(2 * 32L * 32768 * (1024 / 32 * 34), kv(GgmlType.Q8_0, GgmlType.Q8_0));
        assertEquals(2 * 32L * 32768 * 1024 * 4, kv(GgmlType.F32, GgmlType.F32));
        assertEquals(perCacheF16 + 32L * 32768 * 1088, kv(GgmlType.F16, GgmlType.Q8_0));
    }

    private static long kv(GgmlType k, GgmlType v) {
        PlacementPlan p = PlacementPlan.of(A13B, PlacementRequest.defaults(32768, 80 * GIB).withCacheTypes(k, v));
        assertEquals(0, p.kvBytes(Device.CPU));
        return p.kvBytes(Device.CUDA0);
    }

    @Test
    void theWholeModelDoesNotFit24GiB() {
        PlacementPlan p = PlacementPlan.of(A13B, PlacementRequest.defaults(32768, 24 * GIB));
        assertEquals(A13B.totalBytes(), p.weightBytes(Device.CUDA0));
        assertTrue(p.overflowBytes() > 20 * GIB);
        assertTrue(p.overflowMessage().contains("(routed experts 40.50 GiB, KV cache 4.00 GiB"), p.overflowMessage());
    }
}
