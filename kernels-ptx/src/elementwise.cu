// Element-wise kernels over flat float arrays: residual add, SwiGLU, and the f32 -> f16 conversion that feeds cuBLAS.
#include "common.cuh"

namespace hy {

constexpr int ELEMENTWISE_THREADS = 256;  // hy.cuda.kernels.KernelGeometry.ELEMENTWISE_THREADS

}  // namespace hy

// Grid-stride loops: any grid covers any n.

// acc[i] += x[i]
HY_KERNEL void __launch_bounds__(hy::ELEMENTWISE_THREADS) add_f32(float* acc, const float* x, long n) {
    for (long i = (long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long)gridDim.x * blockDim.x) {
        acc[i] = hy::add_rn(acc[i], x[i]);
    }
}

// out[i] = silu(gate[i]) * up[i], silu(x) = x / (1 + e^-x); out may alias gate or up.
HY_KERNEL void __launch_bounds__(hy::ELEMENTWISE_THREADS)
    swiglu_f32(const float* gate, const float* up, float* out, long n) {
    for (long i = (long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long)gridDim.x * blockDim.x) {
        const float g = gate[i];
        out[i] = hy::mul_rn(g / (1.f + expf(-g)), up[i]);
    }
}

// out[i] = (half) x[i], round to nearest even.
HY_KERNEL void __launch_bounds__(hy::ELEMENTWISE_THREADS) f32_to_f16(const float* x, __half* out, long n) {
    for (long i = (long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long)gridDim.x * blockDim.x) {
        out[i] = __float2half_rn(x[i]);
    }
}

// out[i] = (bfloat16) x[i], ggml's rounding.
HY_KERNEL void __launch_bounds__(hy::ELEMENTWISE_THREADS) f32_to_bf16(const float* x, uint16_t* out, long n) {
    for (long i = (long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long)gridDim.x * blockDim.x) {
        out[i] = hy::float_to_bf16_bits(x[i]);
    }
}
