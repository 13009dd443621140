package hy.offload;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code --auto}: the placement that fills the GPU budget in order of speed gained per byte, expressed in plain
 * llama.cpp flags ({@code -ngl} and {@code --cpu-moe} / {@code --n-cpu-moe}) so it can be printed and reproduced.
 *
 * <p>Per byte of VRAM, what every token reads is worth most: attention, norms, router, shared expert and the KV
 * cache of a layer are read in full for each token, the output projection too, while the routed experts are read
 * 8 of 64 at a time (1/8 of their bytes per token). So the candidates form one ladder of growing GPU weight:
 * <ol>
 * <li>{@code -ngl k --cpu-moe} for k = 0 … n_layer: whole layers without their routed experts (the last k, as -ngl
 *     takes them);</li>
 * <li>{@code -ngl 99 --cpu-moe}: plus the output projection (and the tied embedding with it);</li>
 * <li>{@code -ngl 99 --n-cpu-moe N} for N = n_layer−1 … 1, then {@code -ngl 99}: routed experts a layer at a time.</li>
 * </ol>
 * Every layer's experts have the same size and the same traffic per token, so any order of layers gains the same
 * per byte; the highest layers go first because that is what {@code --n-cpu-moe N} (the first N layers stay on the
 * CPU) expresses in one flag. The choice is the highest rung that fits — not the first rung that fails, since the
 * GPU total is not monotone along the ladder (expert staging for big batches vanishes once no expert is left on the
 * CPU) — so a larger budget never puts fewer weight bytes on the GPU. The context length, -ub, cache types and the
 * user's -ot rules are kept as given (user rules still win).
 */
public final class AutoPlacement {
    private AutoPlacement() {}

    /** The highest rung of the ladder that fits {@code base}'s budget, or the lowest rung when none does. */
    public static PlacementRequest choose(ModelInventory inventory, PlacementRequest base) {
        List<PlacementRequest> ladder = ladder(inventory.config().layers(), base);
        for (int i = ladder.size() - 1; i > 0; i--) {
            if (PlacementPlan.of(inventory, ladder.get(i)).fits()) return ladder.get(i);
        }
        return ladder.getFirst();
    }

    /** The rungs in order of growing GPU weight bytes. */
    static List<PlacementRequest> ladder(int layers, PlacementRequest base) {
        List<PlacementRequest> rungs = new ArrayList<>();
        // With -ngl 0 every expert is on the CPU already; --cpu-moe would only clutter the printed flags.
        rungs.add(base.withGpuLayers(0).withCpuMoe(false, 0));
        for (int k = 1; k <= layers; k++) rungs.add(base.withGpuLayers(k).withCpuMoe(true, 0));
        PlacementRequest all = base.withGpuLayers(Math.max(PlacementRequest.ALL_LAYERS, layers + 1));
        rungs.add(all.withCpuMoe(true, 0));
        for (int n = layers - 1; n >= 1; n--) rungs.add(all.withCpuMoe(false, n));
        rungs.add(all.withCpuMoe(false, 0));
        return rungs;
    }
}
