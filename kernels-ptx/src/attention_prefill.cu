// Causal grouped-query attention for prompts on tensor cores (flash attention, forward only). A block takes 64 query
// rows of one head, four warps of 16 rows each; per 64-key tile it loads K (row-major) and V (transposed) from the
// cache as f16 into shared memory, computes S = Q K^T with mma.sync m16n8k16, keeps an online softmax in registers
// (rows are spread over the four lanes of a quad), converts P to f16 fragments in registers and accumulates O += P V.
// Keys past the last query's position are zero-filled, so unwritten cache rows never reach the arithmetic.
#include "kv_formats.cuh"
#include "mma_gemm_core.cuh"

namespace hy {

constexpr int AP_THREADS = 128;  // hy.cuda.kernels.KernelGeometry.ATTN_PREFILL_THREADS
constexpr int AP_ROWS = 64;      // query rows per block; KernelGeometry.ATTN_PREFILL_ROWS
constexpr int AP_KEYS = 64;      // keys per tile

// grid (ceil(ntok / AP_ROWS), heads). q and out rows are heads * HD floats.
template <class KV, int HD>
__device__ __forceinline__ void attn_prefill(const float* __restrict__ q, const uint8_t* __restrict__ kc,
                                             const uint8_t* __restrict__ vc, long kRowBytes, long vRowBytes,
                                             const int* startPosPtr, int ntok, int heads, int kvHeads, float scale,
                                             float* __restrict__ out) {
    constexpr int KD = HD / 16;  // k16 steps over the head dimension
    constexpr int DT = HD / 8;   // n8 output tiles over the head dimension
    constexpr int NT = AP_KEYS / 8;
    __shared__ __align__(16) __half Ks[AP_KEYS][HD + 8];
    __shared__ __align__(16) __half Vt[HD][AP_KEYS + 8];
    const int tid = threadIdx.x, lane = tid % WARP, warp = tid / WARP, g = lane >> 2, t = lane & 3;
    const int h = blockIdx.y, kvh = h / (heads / kvHeads), kvOff = kvh * HD;
    const int startPos = *startPosPtr;
    const long qStride = (long)heads * HD;
    const int row0 = blockIdx.x * AP_ROWS + warp * 16;
    const int rows[2] = {row0 + g, row0 + g + 8};

    // Q fragments for the whole head dimension, f32 -> f16 once.
    uint32_t qa[KD][4];
#pragma unroll
    for (int kk = 0; kk < KD; kk++) {
#pragma unroll
        for (int r = 0; r < 2; r++) {
#pragma unroll
            for (int c = 0; c < 2; c++) {
                const int col = kk * 16 + t * 2 + 8 * c;
                float2 v = make_float2(0.f, 0.f);
                if (rows[r] < ntok) v = *reinterpret_cast<const float2*>(q + rows[r] * qStride + (long)h * HD + col);
                qa[kk][r + 2 * c] = pack_half2(v.x, v.y);
            }
        }
    }
    float o[DT][4];
#pragma unroll
    for (int d = 0; d < DT; d++)
#pragma unroll
        for (int e = 0; e < 4; e++) o[d][e] = 0.f;
    float m[2] = {-INFINITY, -INFINITY}, l[2] = {0.f, 0.f};

    const int lastKey = startPos + min(ntok, (int)(blockIdx.x + 1) * AP_ROWS) - 1;
    for (int k0 = 0; k0 <= lastKey; k0 += AP_KEYS) {
        __syncthreads();  // the previous tile's fragments have been read
        for (int i = tid; i < AP_KEYS * HD; i += AP_THREADS) {
            const int key = i / HD, d = i % HD, pos = k0 + key;
            float kv = 0.f, vv = 0.f;
            if (pos <= lastKey) {
                kv = KV::load(kc + (long)pos * kRowBytes, kvOff + d);
                vv = KV::load(vc + (long)pos * vRowBytes, kvOff + d);
            }
            Ks[key][d] = __float2half_rn(kv);
            Vt[d][key] = __float2half_rn(vv);
        }
        __syncthreads();

        float s[NT][4];
#pragma unroll
        for (int n = 0; n < NT; n++)
#pragma unroll
            for (int e = 0; e < 4; e++) s[n][e] = 0.f;
#pragma unroll
        for (int kk = 0; kk < KD; kk++) {
#pragma unroll
            for (int n = 0; n < NT; n++) {
                const uint32_t b[2] = {smem_pair(&Ks[n * 8 + g][kk * 16 + t * 2]),
                                       smem_pair(&Ks[n * 8 + g][kk * 16 + t * 2 + 8])};
                mma_m16n8k16(s[n], qa[kk], b);
            }
        }
        // Scale, causal mask, running max per row (a row's 64 scores sit in the 4 lanes of one quad).
        float mx[2] = {-INFINITY, -INFINITY};
#pragma unroll
        for (int n = 0; n < NT; n++) {
#pragma unroll
            for (int e = 0; e < 4; e++) {
                const int r = e >> 1, key = k0 + n * 8 + t * 2 + (e & 1);
                float v = s[n][e] * scale;
                if (rows[r] >= ntok || key > startPos + rows[r]) v = -INFINITY;
                s[n][e] = v;
                mx[r] = fmaxf(mx[r], v);
            }
        }
        float alpha[2], ref[2], rs[2] = {0.f, 0.f};
#pragma unroll
        for (int r = 0; r < 2; r++) {
            mx[r] = fmaxf(mx[r], __shfl_xor_sync(0xFFFFFFFFu, mx[r], 1));
            mx[r] = fmaxf(mx[r], __shfl_xor_sync(0xFFFFFFFFu, mx[r], 2));
            const float mNew = fmaxf(m[r], mx[r]);
            ref[r] = mNew == -INFINITY ? 0.f : mNew;  // a fully masked row keeps p = 0 instead of NaN
            alpha[r] = expf(m[r] - ref[r]);
            m[r] = mNew;
        }
#pragma unroll
        for (int n = 0; n < NT; n++) {
#pragma unroll
            for (int e = 0; e < 4; e++) {
                const float p = expf(s[n][e] - ref[e >> 1]);
                s[n][e] = p;
                rs[e >> 1] += p;
            }
        }
#pragma unroll
        for (int r = 0; r < 2; r++) {
            rs[r] += __shfl_xor_sync(0xFFFFFFFFu, rs[r], 1);
            rs[r] += __shfl_xor_sync(0xFFFFFFFFu, rs[r], 2);
            l[r] = l[r] * alpha[r] + rs[r];
        }
#pragma unroll
        for (int d = 0; d < DT; d++)
#pragma unroll
            for (int e = 0; e < 4; e++) o[d][e] *= alpha[e >> 1];
        // O += P V: the accumulator layout of two adjacent 8-key tiles is the A-fragment layout of one 16-key step.
#pragma unroll
        for (int kk = 0; kk < AP_KEYS / 16; kk++) {
            const uint32_t pa[4] = {pack_half2(s[2 * kk][0], s[2 * kk][1]), pack_half2(s[2 * kk][2], s[2 * kk][3]),
                                    pack_half2(s[2 * kk + 1][0], s[2 * kk + 1][1]),
                                    pack_half2(s[2 * kk + 1][2], s[2 * kk + 1][3])};
#pragma unroll
            for (int d = 0; d < DT; d++) {
                const uint32_t b[2] = {smem_pair(&Vt[d * 8 + g][kk * 16 + t * 2]),
                                       smem_pair(&Vt[d * 8 + g][kk * 16 + t * 2 + 8])};
                mma_m16n8k16(o[d], pa, b);
            }
        }
    }
#pragma unroll
    for (int d = 0; d < DT; d++) {
#pragma unroll
        for (int e = 0; e < 4; e++) {
            const int r = e >> 1;
            if (rows[r] < ntok) out[rows[r] * qStride + (long)h * HD + d * 8 + t * 2 + (e & 1)] = o[d][e] / l[r];
        }
    }
}

}  // namespace hy

// hy.cuda.kernels.KernelGeometry.ATTN_PREFILL_HEAD_DIMS lists the head sizes; F32 caches use the split-K kernel.
#define HY_ATTN_PREFILL_HD(name, KV, HD)                                                                           \
    HY_KERNEL void __launch_bounds__(hy::AP_THREADS) attn_prefill_##name##_hd##HD(                                 \
        const float* q, const uint8_t* kc, const uint8_t* vc, long kRowBytes, long vRowBytes, const int* startPos,  \
        int ntok, int heads, int kvHeads, float scale, float* out) {                                               \
        hy::attn_prefill<KV, HD>(q, kc, vc, kRowBytes, vRowBytes, startPos, ntok, heads, kvHeads, scale, out);     \
    }
#define HY_ATTN_PREFILL(name, KV) HY_ATTN_PREFILL_HD(name, KV, 64) HY_ATTN_PREFILL_HD(name, KV, 128)
HY_ATTN_PREFILL(f16, hy::KvF16)
HY_ATTN_PREFILL(bf16, hy::KvBF16)
HY_ATTN_PREFILL(q8_0, hy::KvQ8_0)
