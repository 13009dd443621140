// RMSNorm of activation rows: out[t] = x[t] / sqrt(mean(x[t]^2) + eps) * gamma. The sum of squares is taken in double,
// as the CPU reference does, so both sides compute the same scale; the products are rounded as the CPU rounds them.
#include "common.cuh"

namespace hy {

constexpr int RMSNORM_THREADS = 256;  // hy.cuda.kernels.KernelGeometry.RMSNORM_THREADS

__device__ __forceinline__ double block_sum_double(double v, double* scratch) {
    const int lane = threadIdx.x % WARP, warp = threadIdx.x / WARP;
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xFFFFFFFFu, v, o);
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    double total = 0.0;
    for (int w = 0; w < RMSNORM_THREADS / WARP; w++) total += scratch[w];
    return total;
}

}  // namespace hy

// grid (ntok); x and out rows are `width` floats; out may equal x.
HY_KERNEL void __launch_bounds__(hy::RMSNORM_THREADS)
    rmsnorm_f32(const float* x, const float* gamma, float eps, float* out, int width) {
    __shared__ double scratch[hy::RMSNORM_THREADS / hy::WARP];
    const float* row = x + (long)blockIdx.x * width;
    float* dst = out + (long)blockIdx.x * width;
    double ss = 0.0;
    for (int i = threadIdx.x; i < width; i += hy::RMSNORM_THREADS) ss += (double)row[i] * row[i];
    ss = hy::block_sum_double(ss, scratch);
    const float scale = (float)(1.0 / sqrt(ss / width + (double)eps));
    for (int i = threadIdx.x; i < width; i += hy::RMSNORM_THREADS) {
        dst[i] = hy::mul_rn(hy::mul_rn(row[i], scale), gamma[i]);
    }
}
