package hy.cli;

import hy.runtime.tensor.GgmlType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The model, context and placement flags shared by run, chat, perplexity, bench, serve and plan; llama.cpp's
 * spellings. Parsed here, validated where they are used.
 */
final class ModelOptions {
    @Option(names = {"-m", "--model"}, paramLabel = "FILE", description = "GGUF model file (default: the embedded tiny model with random weights)")
    Path model;

    @Option(names = {"-c", "--ctx-size"}, paramLabel = "N", description = "context length in tokens, 0 = the model's (default: 4096; perplexity: 512)")
    Integer contextLength;

    @Option(names = {"-b", "--batch-size"}, paramLabel = "N", description = "logical batch size (default: ${DEFAULT-VALUE})")
    int batch = 2048;

    @Option(names = {"-ub", "--ubatch-size"}, paramLabel = "N", description = "physical micro-batch size (default: ${DEFAULT-VALUE})")
    int ubatch = 512;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "CPU threads, <= 0 = all cores (default: all cores)")
    int threads = 0;

    @Option(names = {"-ctk", "--cache-type-k"}, paramLabel = "TYPE", converter = CacheTypeConverter.class,
            description = "KV cache type for K: f32, f16, bf16, q8_0 (default: f16)")
    GgmlType cacheTypeK = GgmlType.F16;

    @Option(names = {"-ctv", "--cache-type-v"}, paramLabel = "TYPE", converter = CacheTypeConverter.class,
            description = "KV cache type for V: f32, f16, bf16, q8_0 (default: f16)")
    GgmlType cacheTypeV = GgmlType.F16;

    @Option(names = {"-ngl", "--n-gpu-layers", "--gpu-layers"}, paramLabel = "N", description = "the last N layers on the GPU, the output too when N exceeds the layer count (99 = all; default: all when there is a GPU)")
    Integer gpuLayers;

    @Option(names = {"-ot", "--override-tensor"}, paramLabel = "REGEX=DEVICE", split = ",",
            description = "place tensors matching REGEX on DEVICE (CPU or CUDA0); first matching rule wins; repeatable")
    List<String> overrides = new ArrayList<>();

    @Option(names = {"-cmoe", "--cpu-moe"}, description = "keep all routed experts on the CPU")
    boolean cpuMoe;

    @Option(names = {"-ncmoe", "--n-cpu-moe"}, paramLabel = "N", description = "keep the routed experts of the first N layers on the CPU")
    int nCpuMoe;

    @Option(names = "--gpu-mem", paramLabel = "SIZE", description = "VRAM budget, e.g. 24G, 24GiB, 24000M (binary units; default: free memory minus a margin)")
    String gpuMem;

    @Option(names = "--auto", description = "choose -ngl and --n-cpu-moe to fill the VRAM budget (attention, norms, router, "
            + "shared experts, output and KV cache first, then routed experts layer by layer) and print them")
    boolean autoPlacement;

    @Option(names = "--no-op-offload", description = "compute CPU-resident experts on the CPU at every batch size "
            + "(no streaming through the GPU for big batches, no GPU staging buffers)")
    boolean noOpOffload;

    @Option(names = "--op-offload-min-batch", paramLabel = "N", description = "batches of at least N tokens compute "
            + "CPU-resident experts on the GPU, streaming each layer's experts through GPU staging (default: 32 × experts / "
            + "top-k, 256 for Hunyuan-A13B)")
    Integer opOffloadMinBatch;

    @Option(names = {"-fa", "--flash-attn"}, paramLabel = "on|off|auto", arity = "0..1", fallbackValue = "on",
            description = "flash attention (always on: the attention kernels are fused)")
    String flashAttn;

    @Option(names = {"-fmoe", "--fused-moe"}, arity = "0..1", fallbackValue = "1", paramLabel = "0|1", hidden = true,
            description = "accepted for ik_llama.cpp compatibility; the MoE ops are always fused")
    String fusedMoe;

    @Option(names = {"-ser", "--smart-expert-reduction"}, paramLabel = "KMIN,T",
            description = "smart expert reduction: keep at least KMIN experts, drop others below T × the top probability")
    String ser;

    @Option(names = {"-rtr", "--run-time-repack"},
            description = "copy CPU weights into the kernels' packed layouts at load (faster CPU matmuls, more load time)")
    boolean repack;

    @Option(names = "--no-mmap", description = "copy the CPU's weights out of the mapped file into memory (2 MiB pages "
            + "where the OS allows): slower load, no page-cache sharing")
    boolean noMmap;

    int effectiveThreads() {
        return Threads.resolve(threads);
    }
}
