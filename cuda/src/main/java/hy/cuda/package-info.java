/**
 * The CUDA backend over JCuda's driver API. This package is the thin driver layer. {@link hy.cuda.Gpu} is the device
 * API the backend uses (memory, stream-ordered copies, launches, markers, capture), implemented by
 * {@link hy.cuda.JCudaGpu} on a real device and, in tests, by a CPU emulator running the same kernel sources. Beneath
 * it: {@link hy.cuda.CudaProbe} (is there
 * a usable GPU, and if not why), {@link hy.cuda.CudaContext} (the device's primary context, bound per calling
 * thread), {@link hy.cuda.CudaStream}, {@link hy.cuda.CudaEvent}, device memory with accounting per
 * {@link hy.cuda.MemoryCategory} ({@link hy.cuda.DeviceAllocator}, {@link hy.cuda.DeviceBuffer}), pinned host memory
 * ({@link hy.cuda.PinnedBuffer}), the committed PTX modules loaded from the class path and JIT-compiled by the driver
 * ({@link hy.cuda.CudaKernelRunner}), typed kernel arguments checked against each kernel's PTX signature
 * ({@link hy.cuda.KernelArgs}), and graph capture ({@link hy.cuda.CudaGraph}). Every failing driver call becomes a
 * {@link hy.cuda.CudaCallException} naming the call and its subject (kernel, buffer); a failed allocation a
 * {@link hy.cuda.GpuOutOfMemoryException} with sizes.
 *
 * <p>Subpackages: {@code kernels} (one launcher per kernel family, launch geometry in
 * {@link hy.cuda.kernels.KernelGeometry}), {@code backend} ({@link hy.cuda.backend.CudaBackend}, the
 * {@code hy.runtime.backend.Backend} on the GPU), {@code blas} (optional cuBLAS), {@code selftest} (GPU checks against
 * the CPU backend and timings, runnable from the bundle without Maven).
 */
package hy.cuda;
