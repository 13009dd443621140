// Causal grouped-query attention for a few tokens at a time (decode), split-K ("flash decoding"): the cached
// positions of each (token, KV head) are cut into `splits` ranges, each block runs an online softmax over its range for
// all query heads of the group and writes an unnormalised partial result; attn_combine merges the partials.
// Everything is float32, so this path also serves F32 caches and head sizes the tensor-core kernel lacks.
#include "kv_formats.cuh"

namespace hy {

constexpr int AD_THREADS = 128;  // hy.cuda.kernels.KernelGeometry.ATTN_DECODE_THREADS
constexpr int AD_WARPS = AD_THREADS / WARP;
constexpr int AD_TILE = 64;       // positions scored per pass
constexpr int AD_MAX_GROUP = 8;   // query heads per KV head; KernelGeometry.ATTN_MAX_GROUP
constexpr int AD_MAX_HEAD = 256;  // KernelGeometry.ATTN_MAX_HEAD_DIM
constexpr int AD_DIMS = AD_MAX_HEAD / AD_THREADS;

// Partial record per (token, head, split): m (running max), l (running sum), then headDim accumulated values.
__device__ __forceinline__ long partial_at(int t, int h, int s, int heads, int splits, int headDim) {
    return (((long)t * heads + h) * splits + s) * (headDim + 2);
}

// grid (splits, kvHeads, ntok).
template <class KV>
__device__ __forceinline__ void attn_split(const float* __restrict__ q, const uint8_t* __restrict__ kc,
                                           const uint8_t* __restrict__ vc, long kRowBytes, long vRowBytes,
                                           const int* startPos, int heads, int kvHeads, int headDim, int splits,
                                           float scale, float* __restrict__ partial) {
    __shared__ float qs[AD_MAX_GROUP * AD_MAX_HEAD];
    __shared__ float sc[AD_MAX_GROUP][AD_TILE];
    __shared__ float mS[AD_MAX_GROUP], lS[AD_MAX_GROUP], alphaS[AD_MAX_GROUP];
    const int s = blockIdx.x, kvh = blockIdx.y, t = blockIdx.z;
    const int tid = threadIdx.x, lane = tid % WARP, warp = tid / WARP;
    const int group = heads / kvHeads;
    const int positions = *startPos + t + 1;
    const int chunk = ((positions + splits - 1) / splits + AD_TILE - 1) / AD_TILE * AD_TILE;
    const int p0 = s * chunk, p1 = min(positions, p0 + chunk);
    const int kvOff = kvh * headDim;

    for (int i = tid; i < group * headDim; i += AD_THREADS) {
        qs[i] = q[((long)t * heads + kvh * group) * headDim + i];
    }
    if (tid < group) { mS[tid] = -INFINITY; lS[tid] = 0.f; }
    float acc[AD_DIMS][AD_MAX_GROUP];
#pragma unroll
    for (int i = 0; i < AD_DIMS; i++)
#pragma unroll
        for (int g = 0; g < AD_MAX_GROUP; g++) acc[i][g] = 0.f;
    __syncthreads();

    for (int base = p0; base < p1; base += AD_TILE) {
        const int n = min(AD_TILE, p1 - base);
        // Scores: a warp per position, lanes across the head dimension.
        for (int pi = warp; pi < n; pi += AD_WARPS) {
            const uint8_t* krow = kc + (long)(base + pi) * kRowBytes;
            float part[AD_MAX_GROUP];
#pragma unroll
            for (int g = 0; g < AD_MAX_GROUP; g++) part[g] = 0.f;
            for (int d = lane; d < headDim; d += WARP) {
                const float kv = KV::load(krow, kvOff + d);
#pragma unroll
                for (int g = 0; g < AD_MAX_GROUP; g++) if (g < group) part[g] += qs[g * headDim + d] * kv;
            }
#pragma unroll
            for (int g = 0; g < AD_MAX_GROUP; g++) {
                if (g < group) {
                    const float r = warp_sum(part[g]);
                    if (lane == 0) sc[g][pi] = r * scale;
                }
            }
        }
        __syncthreads();
        // Online softmax: a warp per query head.
        for (int g = warp; g < group; g += AD_WARPS) {
            float mx = -INFINITY;
            for (int i = lane; i < n; i += WARP) mx = fmaxf(mx, sc[g][i]);
            mx = warp_max(mx);
            const float mNew = fmaxf(mS[g], mx);
            float sum = 0.f;
            for (int i = lane; i < n; i += WARP) {
                const float e = expf(sc[g][i] - mNew);
                sc[g][i] = e;
                sum += e;
            }
            sum = warp_sum(sum);
            if (lane == 0) {
                const float a = expf(mS[g] - mNew);  // 0 on the first tile (mS = -inf)
                alphaS[g] = a;
                lS[g] = lS[g] * a + sum;
                mS[g] = mNew;
            }
        }
        __syncthreads();
        // Values: a thread per head dimension (and all query heads of the group), so each V element is read once.
#pragma unroll
        for (int i = 0; i < AD_DIMS; i++) {
            const int d = tid + AD_THREADS * i;
            if (d >= headDim) continue;
#pragma unroll
            for (int g = 0; g < AD_MAX_GROUP; g++) if (g < group) acc[i][g] *= alphaS[g];
            for (int pi = 0; pi < n; pi++) {
                const float vv = KV::load(vc + (long)(base + pi) * vRowBytes, kvOff + d);
#pragma unroll
                for (int g = 0; g < AD_MAX_GROUP; g++) if (g < group) acc[i][g] += sc[g][pi] * vv;
            }
        }
        __syncthreads();
    }
#pragma unroll
    for (int g = 0; g < AD_MAX_GROUP; g++) {
        if (g >= group) break;
        float* rec = partial + partial_at(t, kvh * group + g, s, heads, splits, headDim);
        if (tid == 0) { rec[0] = mS[g]; rec[1] = lS[g]; }
#pragma unroll
        for (int i = 0; i < AD_DIMS; i++) {
            const int d = tid + AD_THREADS * i;
            if (d < headDim) rec[2 + d] = acc[i][g];
        }
    }
}

}  // namespace hy

#define HY_ATTN_SPLIT(name, KV)                                                                                    \
    HY_KERNEL void __launch_bounds__(hy::AD_THREADS) attn_split_##name(                                            \
        const float* q, const uint8_t* kc, const uint8_t* vc, long kRowBytes, long vRowBytes, const int* startPos, \
        int heads, int kvHeads, int headDim, int splits, float scale, float* partial) {                            \
        hy::attn_split<KV>(q, kc, vc, kRowBytes, vRowBytes, startPos, heads, kvHeads, headDim, splits, scale,      \
                           partial);                                                                               \
    }
HY_FOR_EACH_KV_FORMAT(HY_ATTN_SPLIT)

// grid (heads, ntok): out[t][h*headDim + d] = sum_s acc_s[d] e^(m_s - M) / sum_s l_s e^(m_s - M).
HY_KERNEL void __launch_bounds__(hy::AD_THREADS)
    attn_combine(const float* partial, int heads, int headDim, int splits, float* out) {
    const int h = blockIdx.x, t = blockIdx.y;
    const float* base = partial + hy::partial_at(t, h, 0, heads, splits, headDim);
    const long stride = headDim + 2;
    float M = -INFINITY;
    for (int s = 0; s < splits; s++) M = fmaxf(M, base[s * stride]);
    float L = 0.f;
    for (int s = 0; s < splits; s++) {
        if (base[s * stride + 1] > 0.f) L += base[s * stride + 1] * expf(base[s * stride] - M);
    }
    for (int d = threadIdx.x; d < headDim; d += hy::AD_THREADS) {
        float v = 0.f;
        for (int s = 0; s < splits; s++) {
            if (base[s * stride + 1] > 0.f) v += base[s * stride + 2 + d] * expf(base[s * stride] - M);
        }
        out[((long)t * heads + h) * headDim + d] = v / L;
    }
}
