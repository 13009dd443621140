/**
 * Placement: which device holds each tensor of a Hunyuan model, what that costs in VRAM, and what to change when it
 * does not fit (the hybrid executor that runs such a placement comes later).
 *
 * <p>Flow: a {@link hy.offload.ModelInventory} (from a GGUF's tensor table, or a synthetic shape and type plan) and
 * a {@link hy.offload.PlacementRequest} (the resolved -ngl, -ot, --cpu-moe, --n-cpu-moe, -c, -ub, -ctk/-ctv,
 * --no-op-offload and the VRAM budget) give a {@link hy.offload.PlacementPlan}: a device per tensor name (the
 * loader's {@code backendFor}), bytes per {@link hy.offload.TensorGroup} and device, KV cache, scratch
 * ({@link hy.offload.ScratchEstimate}) and expert staging, and whether the GPU total fits. When it does not,
 * {@link hy.offload.PlacementAdvisor} re-plans candidate flag changes and returns those that fit;
 * {@link hy.offload.AutoPlacement} ({@code --auto}) picks -ngl and --n-cpu-moe to fill the budget.
 *
 * <p>Rule semantics follow llama.cpp: -ot rules are regexes searched anywhere in the tensor name, first match wins,
 * user rules before the ones --cpu-moe / --n-cpu-moe generate, -ngl for the rest (see {@code TensorPlacer}).
 */
package hy.offload;
