package hy.cli;

import hy.offload.AutoPlacement;
import hy.offload.MemorySize;
import hy.offload.ModelInventory;
import hy.offload.PlacementPlan;
import hy.offload.PlacementRequest;
import hy.offload.PlacementRule;

/** Turns the placement flags of {@link ModelOptions} into a {@link PlacementPlan} (plan now; run, bench and serve later). */
final class PlacementSetup {
    /**
     * Kept free below the GPU's free memory when --gpu-mem is absent: kernel modules, cuBLAS workspace, allocator
     * rounding and the estimate's slack.
     */
    static final long FREE_MEMORY_MARGIN = 512L << 20;

    private PlacementSetup() {}

    /**
     * The VRAM budget: --gpu-mem when given, else {@code freeGpuBytes} (0 without a GPU) minus
     * {@link #FREE_MEMORY_MARGIN}.
     */
    static long budget(ModelOptions o, long freeGpuBytes) {
        if (o.gpuMem != null) {
            try {
                return MemorySize.parse(o.gpuMem);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--gpu-mem " + e.getMessage());
            }
        }
        return Math.max(0, freeGpuBytes - FREE_MEMORY_MARGIN);
    }

    /** The flags as a request; -ngl −1 means the default, as in llama.cpp. */
    static PlacementRequest request(ModelOptions o, int contextLength, long budget) {
        if (o.gpuLayers != null && o.gpuLayers < -1) throw new IllegalArgumentException("-ngl must be >= 0 (or -1 for the default), got " + o.gpuLayers);
        if (o.nCpuMoe < 0) throw new IllegalArgumentException("--n-cpu-moe must be >= 0, got " + o.nCpuMoe);
        if (o.autoPlacement && (o.gpuLayers != null || o.cpuMoe || o.nCpuMoe > 0)) {
            throw new IllegalArgumentException("--auto chooses -ngl and --n-cpu-moe itself; drop -ngl, --cpu-moe and --n-cpu-moe (-ot rules are kept)");
        }
        if (o.opOffloadMinBatch != null && o.opOffloadMinBatch < 1) {
            throw new IllegalArgumentException("--op-offload-min-batch must be >= 1, got " + o.opOffloadMinBatch);
        }
        Integer ngl = o.gpuLayers == null || o.gpuLayers == -1 ? null : o.gpuLayers;
        return new PlacementRequest(PlacementRule.parseAll(o.overrides), ngl, o.cpuMoe, o.nCpuMoe, contextLength,
                Math.min(o.ubatch, o.batch), o.cacheTypeK, o.cacheTypeV, budget, !o.noOpOffload,
                o.opOffloadMinBatch == null ? 0 : o.opOffloadMinBatch);
    }

    /** The plan for {@code inventory}; with --auto, for the request {@link AutoPlacement} chooses. */
    static PlacementPlan plan(ModelOptions o, ModelInventory inventory, int contextLength, long budget) {
        PlacementRequest r = request(o, contextLength, budget);
        if (o.autoPlacement) r = AutoPlacement.choose(inventory, r);
        return PlacementPlan.of(inventory, r);
    }
}
