package hy.offload.exec;

import hy.offload.Device;
import hy.offload.PlacementPlan;
import hy.runtime.backend.Backend;
import java.util.function.Function;

/**
 * How a placement plan runs: which backend prepares each tensor, and which backend the model issues its ops to —
 * the CPU alone, the GPU alone, or the hybrid executor when the plan uses both.
 *
 * @param runner     the backend {@code HunyuanModel} runs on
 * @param backendFor the backend that prepares each tensor, by name
 */
public record Execution(Backend runner, Function<String, Backend> backendFor) {

    /** {@code gpu} may be null when the plan puts nothing on the GPU. */
    public static Execution of(PlacementPlan plan, Backend cpu, Backend gpu) {
        int layers = plan.inventory().config().layers();
        boolean anyGpu = plan.weightBytes(Device.CUDA0) > 0 || plan.gpuAttentionLayers() > 0;
        boolean anyCpu = plan.weightBytes(Device.CPU) > 0 || plan.gpuAttentionLayers() < layers;
        if (!anyGpu) return new Execution(cpu, name -> cpu);
        if (gpu == null) throw new IllegalArgumentException("the placement puts tensors on CUDA0 but there is no GPU backend");
        Function<String, Backend> backendFor = plan.backendFor(cpu, gpu);
        if (!anyCpu) return new Execution(gpu, backendFor);
        return new Execution(new HybridBackend(gpu, cpu, l -> plan.kvDevice(l) == Device.CUDA0, plan.request().ubatch(),
                plan.streamMinBatch()), backendFor);
    }
}
