package hy.offload;

import hy.runtime.model.HunyuanConfig;
import hy.runtime.tensor.GgmlType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The placement flags of one run, resolved to values: what the planner turns into a {@link PlacementPlan}, and what
 * advice and {@code --auto} vary (each candidate is a request, printed back as the flags that produce it).
 *
 * @param userRules     -ot rules in command-line order
 * @param gpuLayers     -ngl; null when not given: all layers when a GPU budget exists (llama.cpp's default since it
 *                      became −1), else 0
 * @param cpuMoe        --cpu-moe: every routed expert on the CPU
 * @param nCpuMoe       --n-cpu-moe N: the routed experts of layers 0..N−1 on the CPU
 * @param contextLength -c, resolved (the KV cache holds this many positions)
 * @param ubatch        the micro-batch, min(-ub, -b): the rows of every scratch activation
 * @param gpuBudget     bytes of GPU memory the plan may use; 0 when there is no GPU
 * @param opOffload     whether batches big enough stream CPU-resident routed experts through the GPU (off:
 *                      --no-op-offload, as in llama.cpp)
 * @param opOffloadMinBatch the smallest batch that streams (--op-offload-min-batch); 0: the model's default,
 *                      {@link #defaultOpOffloadMinBatch}
 */
public record PlacementRequest(List<PlacementRule> userRules, Integer gpuLayers, boolean cpuMoe, int nCpuMoe,
        int contextLength, int ubatch, GgmlType kType, GgmlType vType, long gpuBudget, boolean opOffload, int opOffloadMinBatch) {

    /** llama.cpp users' spelling of "every layer and the output". */
    public static final int ALL_LAYERS = 99;
    public static final int DEFAULT_UBATCH = 512;
    private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9_.=,/:+-]+");

    public PlacementRequest {
        userRules = List.copyOf(userRules);
        if (gpuLayers != null && gpuLayers < 0) throw new IllegalArgumentException("-ngl must be >= 0, got " + gpuLayers);
        if (nCpuMoe < 0) throw new IllegalArgumentException("--n-cpu-moe must be >= 0, got " + nCpuMoe);
        if (contextLength < 1) throw new IllegalArgumentException("the context length must be at least 1, got " + contextLength);
        if (ubatch < 1) throw new IllegalArgumentException("-ub must be at least 1, got " + ubatch);
        if (gpuBudget < 0) throw new IllegalArgumentException("the GPU memory budget cannot be negative");
        if (opOffloadMinBatch < 0) throw new IllegalArgumentException("--op-offload-min-batch must be >= 1, got " + opOffloadMinBatch);
    }

    /**
     * ik_llama.cpp's op-offload rule for MoE, tokens × top_k ≥ 32 × experts: from there on a batch touches about 32
     * rows of every expert, and copying the expert over the bus costs less than the CPU computing those rows (256
     * tokens for Hunyuan's 64 experts, top-8). To be confirmed by measurement on the target machine.
     */
    public static int defaultOpOffloadMinBatch(HunyuanConfig c) {
        return Math.max(32, (int) Math.ceil(32.0 * c.experts() / c.expertsUsed()));
    }

    /** The smallest batch that streams CPU-resident experts through the GPU for model {@code c}. */
    public int opOffloadMinBatch(HunyuanConfig c) {
        return opOffloadMinBatch > 0 ? opOffloadMinBatch : defaultOpOffloadMinBatch(c);
    }

    /** No flags: default -ngl, f16 KV cache, -ub 512, op offload on. */
    public static PlacementRequest defaults(int contextLength, long gpuBudget) {
        return new PlacementRequest(List.of(), null, false, 0, contextLength, DEFAULT_UBATCH, GgmlType.F16, GgmlType.F16, gpuBudget, true, 0);
    }

    /** -ngl as it applies to a model of {@code layers} layers. */
    public int effectiveGpuLayers(int layers) {
        if (gpuLayers != null) return gpuLayers;
        return gpuBudget > 0 ? Math.max(ALL_LAYERS, layers + 1) : 0;
    }

    public PlacementRequest withUserRules(List<PlacementRule> rules) {
        return new PlacementRequest(rules, gpuLayers, cpuMoe, nCpuMoe, contextLength, ubatch, kType, vType, gpuBudget, opOffload, opOffloadMinBatch);
    }

    public PlacementRequest withGpuLayers(Integer n) {
        return new PlacementRequest(userRules, n, cpuMoe, nCpuMoe, contextLength, ubatch, kType, vType, gpuBudget, opOffload, opOffloadMinBatch);
    }

    /** --cpu-moe and --n-cpu-moe together (setting one usually clears the other). */
    public PlacementRequest withCpuMoe(boolean all, int firstLayers) {
        return new PlacementRequest(userRules, gpuLayers, all, firstLayers, contextLength, ubatch, kType, vType, gpuBudget, opOffload, opOffloadMinBatch);
    }

    public PlacementRequest withContextLength(int n) {
        return new PlacementRequest(userRules, gpuLayers, cpuMoe, nCpuMoe, n, ubatch, kType, vType, gpuBudget, opOffload, opOffloadMinBatch);
    }

    public PlacementRequest withUbatch(int n) {
        return new PlacementRequest(userRules, gpuLayers, cpuMoe, nCpuMoe, contextLength, n, kType, vType, gpuBudget, opOffload, opOffloadMinBatch);
    }

    public PlacementRequest withCacheTypes(GgmlType k, GgmlType v) {
        return new PlacementRequest(userRules, gpuLayers, cpuMoe, nCpuMoe, contextLength, ubatch, k, v, gpuBudget, opOffload, opOffloadMinBatch);
    }

    public PlacementRequest withGpuBudget(long bytes) {
        return new PlacementRequest(userRules, gpuLayers, cpuMoe, nCpuMoe, contextLength, ubatch, kType, vType, bytes, opOffload, opOffloadMinBatch);
    }

    public PlacementRequest withOpOffload(boolean on) {
        return new PlacementRequest(userRules, gpuLayers, cpuMoe, nCpuMoe, contextLength, ubatch, kType, vType, gpuBudget, on, opOffloadMinBatch);
    }

    /** The tensor-placement flags: -ngl (always, resolved), the -ot rules, --cpu-moe or --n-cpu-moe. */
    public List<String> placementFlags(int layers) {
        List<String> f = new ArrayList<>(List.of("-ngl", Integer.toString(effectiveGpuLayers(layers))));
        for (PlacementRule r : userRules) {
            f.add("-ot");
            f.add(r.spec());
        }
        if (cpuMoe) f.add("--cpu-moe");
        else if (nCpuMoe > 0) f.addAll(List.of("--n-cpu-moe", Integer.toString(nCpuMoe)));
        return f;
    }

    /** Every flag that shapes the plan: placement, then -c, and -ub, -ctk/-ctv, --no-op-offload where not default. */
    public List<String> flags(int layers) {
        List<String> f = new ArrayList<>(placementFlags(layers));
        f.addAll(List.of("-c", Integer.toString(contextLength)));
        if (ubatch != DEFAULT_UBATCH) f.addAll(List.of("-ub", Integer.toString(ubatch)));
        if (kType != GgmlType.F16) f.addAll(List.of("-ctk", typeName(kType)));
        if (vType != GgmlType.F16) f.addAll(List.of("-ctv", typeName(vType)));
        if (!opOffload) f.add("--no-op-offload");
        else if (opOffloadMinBatch > 0) f.addAll(List.of("--op-offload-min-batch", Integer.toString(opOffloadMinBatch)));
        return f;
    }

    public PlacementRequest withOpOffloadMinBatch(int n) {
        return new PlacementRequest(userRules, gpuLayers, cpuMoe, nCpuMoe, contextLength, ubatch, kType, vType, gpuBudget, opOffload, n);
    }

    /** Flags joined for a shell: arguments with regex or shell characters in single quotes. */
    public static String shellJoin(List<String> args) {
        StringBuilder sb = new StringBuilder();
        for (String a : args) {
            if (!sb.isEmpty()) sb.append(' ');
            sb.append(SHELL_SAFE.matcher(a).matches() ? a : "'" + a.replace("'", "'\\''") + "'");
        }
        return sb.toString();
    }

    static String typeName(GgmlType t) {
        return t.name().toLowerCase(Locale.ROOT);
    }
}
