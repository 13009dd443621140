/**
 * {@link hy.cuda.backend.CudaBackend}: the forward pass's ops on one GPU, weights uploaded once through pinned staging,
 * activations and KV cache in device memory, per-step inputs read by the kernels from device memory so that a decode
 * step can be captured and replayed ({@link hy.cuda.backend.CudaStepGraph}).
 */
package hy.cuda.backend;
