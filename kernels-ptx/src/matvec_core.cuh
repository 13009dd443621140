// Matrix-vector products for small batches (decode): one warp per weight row, lanes striding over the row's 32-weight
// units, each decoded unit (dequantized in registers) multiplied with up to NT activation rows before the next one is
// read, so the weights stream from memory once per NT tokens. Used by matvec.cu (dense) and moe.cu (grouped experts).
#pragma once

#include "quant_blocks.cuh"

namespace hy {

constexpr int MATVEC_WARPS = 4;  // rows per block; hy.cuda.kernels.KernelGeometry.MATVEC_ROWS_PER_BLOCK
constexpr int MATVEC_THREADS = MATVEC_WARPS * WARP;

// Returns, in every lane, sum_i W[row][i] * x_t[i] for t < ntok (<= NT). x_t rows are 16-byte aligned.
template <class B, int NT>
__device__ __forceinline__ void matvec_row(const uint8_t* __restrict__ wrow, int units, const float* const* xs,
                                           int ntok, float* sums) {
    const int lane = threadIdx.x % WARP;
    float acc[NT];
#pragma unroll
    for (int t = 0; t < NT; t++) acc[t] = 0.f;
    for (int u = lane; u < units; u += WARP) {
        float w[UNIT];
        decode_unit<B>(wrow, u, w);
#pragma unroll
        for (int t = 0; t < NT; t++) {
            if (t < ntok) {
                const float4* xp = reinterpret_cast<const float4*>(xs[t] + (long)u * UNIT);
                float a = acc[t];
#pragma unroll
                for (int i = 0; i < UNIT / 4; i++) {
                    const float4 v = xp[i];
                    a += w[4 * i] * v.x + w[4 * i + 1] * v.y + w[4 * i + 2] * v.z + w[4 * i + 3] * v.w;
                }
                acc[t] = a;
            }
        }
    }
#pragma unroll
    for (int t = 0; t < NT; t++) sums[t] = warp_sum(acc[t]);
}

}  // namespace hy
