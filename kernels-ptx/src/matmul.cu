// Dense products for batches on tensor cores: y[t][r] = sum_i W[r][i] * x[t][i], weights of any format decoded to
// f16 tile by tile (see mma_gemm_core.cuh). grid (ceil(rows / 64), ceil(ntok / 64)).
#include "mma_gemm_core.cuh"

#define HY_MATMUL(name, B)                                                                                         \
    HY_KERNEL void __launch_bounds__(hy::MM_THREADS) matmul_##name(                                                \
        const uint8_t* W, long rowBytes, int units, int rows, const float* x, int ntok, float* y) {                \
        const int first = blockIdx.y * hy::MM_TILE_TOKENS;                                                         \
        hy::gemm_tile<B>(W, rowBytes, units, rows, blockIdx.x * hy::MM_TILE_ROWS,                                  \
                         hy::DenseRows{x, (long)units * hy::UNIT}, first, min(hy::MM_TILE_TOKENS, ntok - first), y); \
    }
HY_FOR_EACH_WEIGHT_FORMAT(HY_MATMUL)
