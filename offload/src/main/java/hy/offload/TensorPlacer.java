package hy.offload;

import hy.runtime.model.TensorNames;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Decides one tensor's device from a {@link PlacementRequest}, in llama.cpp's order: the -ot rules (first match
 * wins), then the rules --cpu-moe / --n-cpu-moe generate (appended after the user's, so user rules win), then -ngl.
 *
 * <p>-ngl N puts layers n_layer−N … n_layer−1 on the GPU (the last N), and output_norm and the output projection
 * only when N > n_layer. The token embedding differs from llama.cpp, which always keeps it in host memory for
 * get_rows: when the output is tied to it (every Hunyuan file) it follows the output, because the GPU then holds
 * those bytes anyway and looking rows up there costs no VRAM and keeps the whole step on the GPU (one CUDA graph,
 * no host hop); with a separate output.weight it stays on the CPU, where a lookup reads one row per token.
 */
final class TensorPlacer {
    /** The expert tensors --cpu-moe and --n-cpu-moe move, as llama.cpp's generated patterns name them. */
    static final String EXPERTS = "ffn_(up|down|gate|gate_up)_exps";

    /** Where a tensor goes and which flag said so. */
    record Decision(Device device, String reason) {}

    private final List<PlacementRule> rules;
    private final int layers;
    private final int gpuLayers;
    private final boolean tiedOutput;

    TensorPlacer(PlacementRequest r, int layers, boolean tiedOutput) {
        this.layers = layers;
        this.gpuLayers = r.effectiveGpuLayers(layers);
        this.tiedOutput = tiedOutput;
        List<PlacementRule> all = new ArrayList<>(r.userRules());
        if (r.cpuMoe()) {
            all.add(PlacementRule.generated(EXPERTS, Device.CPU, "--cpu-moe"));
        } else if (r.nCpuMoe() > 0) {
            // One rule for layers 0..N−1 (llama.cpp generates one per layer; the matches are the same).
            String firstLayers = IntStream.range(0, Math.min(r.nCpuMoe(), layers)).mapToObj(Integer::toString).collect(Collectors.joining("|"));
            all.add(PlacementRule.generated("^blk\\.(" + firstLayers + ")\\." + EXPERTS, Device.CPU, "--n-cpu-moe " + r.nCpuMoe()));
        }
        this.rules = List.copyOf(all);
    }

    Decision decide(String name) {
        for (PlacementRule r : rules) {
            if (r.matches(name)) return new Decision(r.device(), r.toString());
        }
        String ngl = "-ngl " + gpuLayers;
        int layer = ModelInventory.layerOf(name);
        if (layer >= 0) return new Decision(layer >= layers - gpuLayers ? Device.CUDA0 : Device.CPU, ngl);
        if (name.startsWith("output")) return new Decision(gpuLayers > layers ? Device.CUDA0 : Device.CPU, ngl);
        if (name.equals(TensorNames.TOKEN_EMBD) && tiedOutput) {
            return new Decision(decide(TensorNames.OUTPUT).device(), "tied to output");
        }
        return new Decision(Device.CPU, "input tensors stay on the CPU");
    }
}
