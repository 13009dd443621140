// Tensor-core products for batches (prompt processing): a block computes a 64 (weight rows) x 64 (tokens) tile of
// y = x * W^T with mma.sync m16n8k16 (f16 inputs, f32 accumulation). Each K step decodes two 32-weight units per weight
// row straight into f16 shared memory (any weight format, dequantized in registers) and converts the matching slice
// of the f32 activations to f16. Four warps each own a 32 x 32 sub-tile (2 x 4 mma tiles).
// Used by matmul.cu (dense) and moe.cu (experts, tokens grouped by expert).
#pragma once

#include "quant_blocks.cuh"

namespace hy {

constexpr int MM_TILE_ROWS = 64;    // hy.cuda.kernels.KernelGeometry.MATMUL_TILE_ROWS
constexpr int MM_TILE_TOKENS = 64;  // hy.cuda.kernels.KernelGeometry.MATMUL_TILE_TOKENS
constexpr int MM_TILE_K = 2 * UNIT;
constexpr int MM_THREADS = 128;
constexpr int MM_PAD = 8;  // halves per shared row: 72-half rows make every fragment load bank-conflict free

// D += A * B for one m16n8k16 tile; A row-major 16x16, B column-major 16x8, as packed f16 pairs.
__device__ __forceinline__ void mma_m16n8k16(float* c, const uint32_t* a, const uint32_t* b) {
#ifdef HY_HOST_SIMT
    simt::mma_m16n8k16(c, a, b);  // the CPU emulation of kernels-ptx/host-check/simt.h
#else
    asm volatile(
        "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
        : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
#endif
}

__device__ __forceinline__ uint32_t pack_half2(float lo, float hi) {
    __half2 h = __floats2half2_rn(lo, hi);  // .x (low 16 bits) holds the lower index
    return *reinterpret_cast<uint32_t*>(&h);
}

__device__ __forceinline__ uint32_t smem_pair(const __half* p) { return *reinterpret_cast<const uint32_t*>(p); }

// Where activation row i (an absolute token or slot index) starts.
struct DenseRows {
    const float* base;
    long stride;
    __device__ const float* row(int i) const { return base + (long)i * stride; }
};

struct GatheredRows {  // row i is base row map[i] (the token of an expert slot)
    const float* base;
    long stride;
    const int* map;
    __device__ const float* row(int i) const { return base + (long)map[i] * stride; }
};

// y[(first + j) * rows + row0 + i] = sum_k W[row0 + i][k] * x_{first + j}[k] for i < 64, j < count (masked at the
// edges). W rows are rowBytes apart with `units` units each; y rows are `rows` floats wide.
template <class B, class Rows>
__device__ __forceinline__ void gemm_tile(const uint8_t* __restrict__ W, long rowBytes, int units, int rows, int row0,
                                          Rows xs, int first, int count, float* __restrict__ y) {
    __shared__ __align__(16) __half Ws[MM_TILE_ROWS][MM_TILE_K + MM_PAD];
    __shared__ __align__(16) __half Xs[MM_TILE_TOKENS][MM_TILE_K + MM_PAD];
    const int tid = threadIdx.x, lane = tid % WARP, warp = tid / WARP, g = lane >> 2, t = lane & 3;
    const int wr = (warp >> 1) * 32, wc = (warp & 1) * 32;  // this warp's sub-tile
    // Loading roles: thread -> (tile row, which of the two units of the K step).
    const int lr = tid >> 1, lu = tid & 1;
    const bool wValid = row0 + lr < rows;
    const uint8_t* wp = W + (long)(wValid ? row0 + lr : 0) * rowBytes;
    const bool xValid = lr < count;
    const float* xp = xs.row(first + (xValid ? lr : 0));

    float acc[2][4][4];
#pragma unroll
    for (int mi = 0; mi < 2; mi++)
#pragma unroll
        for (int ni = 0; ni < 4; ni++)
#pragma unroll
            for (int e = 0; e < 4; e++) acc[mi][ni][e] = 0.f;

    for (int u0 = 0; u0 < units; u0 += 2) {
        const int u = u0 + lu;
        float v[UNIT];
        if (wValid && u < units) {
            decode_unit<B>(wp, u, v);
        } else {
#pragma unroll
            for (int j = 0; j < UNIT; j++) v[j] = 0.f;
        }
        uint32_t* wdst = reinterpret_cast<uint32_t*>(&Ws[lr][lu * UNIT]);
#pragma unroll
        for (int j = 0; j < UNIT / 2; j++) wdst[j] = pack_half2(v[2 * j], v[2 * j + 1]);
        uint32_t* xdst = reinterpret_cast<uint32_t*>(&Xs[lr][lu * UNIT]);
        if (xValid && u < units) {
            const float4* src = reinterpret_cast<const float4*>(xp + (long)u * UNIT);
#pragma unroll
            for (int j = 0; j < UNIT / 4; j++) {
                const float4 f = src[j];
                xdst[2 * j] = pack_half2(f.x, f.y);
                xdst[2 * j + 1] = pack_half2(f.z, f.w);
            }
        } else {
#pragma unroll
            for (int j = 0; j < UNIT / 2; j++) xdst[j] = 0u;
        }
        __syncthreads();
#pragma unroll
        for (int kk = 0; kk < MM_TILE_K / 16; kk++) {
            const int c = kk * 16 + t * 2;
            uint32_t a[2][4], b[4][2];
#pragma unroll
            for (int mi = 0; mi < 2; mi++) {
                const int r = wr + mi * 16 + g;
                a[mi][0] = smem_pair(&Ws[r][c]);
                a[mi][1] = smem_pair(&Ws[r + 8][c]);
                a[mi][2] = smem_pair(&Ws[r][c + 8]);
                a[mi][3] = smem_pair(&Ws[r + 8][c + 8]);
            }
#pragma unroll
            for (int ni = 0; ni < 4; ni++) {
                const int n = wc + ni * 8 + g;
                b[ni][0] = smem_pair(&Xs[n][c]);
                b[ni][1] = smem_pair(&Xs[n][c + 8]);
            }
#pragma unroll
            for (int mi = 0; mi < 2; mi++)
#pragma unroll
                for (int ni = 0; ni < 4; ni++) mma_m16n8k16(acc[mi][ni], a[mi], b[ni]);
        }
        __syncthreads();
    }
#pragma unroll
    for (int mi = 0; mi < 2; mi++) {
#pragma unroll
        for (int ni = 0; ni < 4; ni++) {
#pragma unroll
            for (int e = 0; e < 4; e++) {
                const int r = row0 + wr + mi * 16 + g + (e >= 2 ? 8 : 0);
                const int j = wc + ni * 8 + t * 2 + (e & 1);
                if (r < rows && j < count) y[(long)(first + j) * rows + r] = acc[mi][ni][e];
            }
        }
    }
}

}  // namespace hy
