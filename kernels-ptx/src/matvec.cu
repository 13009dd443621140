// Dense matrix-vector products y[t][r] = sum_i W[r][i] * x[t][i] for every weight format, NT tokens per block.
// grid (ceil(rows / MATVEC_WARPS), 1, ceil(ntok / NT)); x rows are units * 32 floats, y rows are `rows` floats.
#include "matvec_core.cuh"

namespace hy {

template <class B, int NT>
__device__ __forceinline__ void matvec(const uint8_t* __restrict__ W, long rowBytes, int units, int rows,
                                       const float* __restrict__ x, int ntok, float* __restrict__ y) {
    const int row = blockIdx.x * MATVEC_WARPS + threadIdx.x / WARP;
    const int t0 = blockIdx.z * NT;
    if (row >= rows) return;
    const int n = min(NT, ntok - t0);
    const float* xs[NT];
#pragma unroll
    for (int t = 0; t < NT; t++) xs[t] = x + (long)(t0 + (t < n ? t : 0)) * units * UNIT;
    float sums[NT];
    matvec_row<B, NT>(W + (long)row * rowBytes, units, xs, n, sums);
    if (threadIdx.x % WARP == 0) {
#pragma unroll
        for (int t = 0; t < NT; t++) if (t < n) y[(long)(t0 + t) * rows + row] = sums[t];
    }
}

}  // namespace hy

#define HY_MATVEC_NT(name, B, NT)                                                                                  \
    HY_KERNEL void __launch_bounds__(hy::MATVEC_THREADS) matvec_##name##_n##NT(                                    \
        const uint8_t* W, long rowBytes, int units, int rows, const float* x, int ntok, float* y) {                \
        hy::matvec<B, NT>(W, rowBytes, units, rows, x, ntok, y);                                                   \
    }
// hy.cuda.kernels.KernelGeometry.MATVEC_TOKEN_TILES lists the same NT values.
#define HY_MATVEC(name, B) HY_MATVEC_NT(name, B, 1) HY_MATVEC_NT(name, B, 2) HY_MATVEC_NT(name, B, 4) HY_MATVEC_NT(name, B, 8)
HY_FOR_EACH_WEIGHT_FORMAT(HY_MATVEC)
