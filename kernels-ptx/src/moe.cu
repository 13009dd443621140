// Mixture-of-experts pieces that stay on the device from router logits to the residual, with no host round trip
// (so a decode step can be captured as one graph):
//   moe_route     softmax over all experts, top-k (ties to the lower id), smart expert reduction, renormalise
//   moe_sort      groups the (token, expert) pairs by expert into "slots" and cuts each expert's run into tiles
//   moe_matvec_*  one expert product per slot (small batches); one launch covers every expert of a weight tensor
//   moe_matmul_*  one 64-slot tile per block on tensor cores (large batches), same single launch
//   moe_combine   acc[t] += shared[t] + sum over t's experts of gate * y[slot], in the CPU's order
#include "matvec_core.cuh"
#include "mma_gemm_core.cuh"
#include <math.h>

namespace hy {

constexpr int ROUTE_WARPS = 4;              // tokens per block
constexpr int ROUTE_MAX_EXPERTS = 8 * WARP; // hy.cuda.kernels.KernelGeometry.MOE_MAX_EXPERTS
constexpr int ROUTE_MAX_TOPK = 32;
constexpr int SORT_THREADS = 256;
constexpr int COMBINE_THREADS = 256;  // hy.cuda.kernels.KernelGeometry.MOE_COMBINE_THREADS

}  // namespace hy

// grid (ceil(ntok / ROUTE_WARPS)); one warp per token. ids[t*topK + j] = expert of rank j or -1 when SER dropped it;
// gates likewise (0 when dropped). The softmax follows the CPU's: float differences, exp in double, double sum.
HY_KERNEL void __launch_bounds__(hy::ROUTE_WARPS * hy::WARP)
    moe_route(const float* logits, int ntok, int experts, int topK, int minKeep, float threshold, int* ids,
              float* gates) {
    const int lane = threadIdx.x % hy::WARP;
    const int t = blockIdx.x * hy::ROUTE_WARPS + threadIdx.x / hy::WARP;
    if (t >= ntok) return;
    constexpr int PER_LANE = hy::ROUTE_MAX_EXPERTS / hy::WARP;
    const float* row = logits + (long)t * experts;
    float p[PER_LANE];
    float mx = -INFINITY;
#pragma unroll
    for (int i = 0; i < PER_LANE; i++) {
        const int e = lane + hy::WARP * i;
        p[i] = e < experts ? row[e] : -INFINITY;
        mx = fmaxf(mx, p[i]);
    }
    mx = hy::warp_max(mx);
    double sum = 0.0;
#pragma unroll
    for (int i = 0; i < PER_LANE; i++) {
        const int e = lane + hy::WARP * i;
        p[i] = e < experts ? (float)exp((double)(p[i] - mx)) : 0.f;
        sum += p[i];
    }
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) sum += __shfl_xor_sync(0xFFFFFFFFu, sum, o);
    const float inv = (float)(1.0 / sum);
#pragma unroll
    for (int i = 0; i < PER_LANE; i++) p[i] = hy::mul_rn(p[i], inv);

    // Top-k by repeated arg-max; taken entries drop to -1 so they are never picked again (probabilities are >= 0).
    const int k = min(topK, experts);
    float chosenP[hy::ROUTE_MAX_TOPK];
    int chosenId[hy::ROUTE_MAX_TOPK];
    for (int j = 0; j < k; j++) {
        float best = -2.f;
        int bestId = 0x7FFFFFFF;
#pragma unroll
        for (int i = 0; i < PER_LANE; i++) {
            const int e = lane + hy::WARP * i;
            if (e < experts && p[i] > best) { best = p[i]; bestId = e; }
        }
#pragma unroll
        for (int o = 16; o > 0; o >>= 1) {
            const float ob = __shfl_xor_sync(0xFFFFFFFFu, best, o);
            const int oi = __shfl_xor_sync(0xFFFFFFFFu, bestId, o);
            if (ob > best || (ob == best && oi < bestId)) { best = ob; bestId = oi; }
        }
        chosenP[j] = best;
        chosenId[j] = bestId;
#pragma unroll
        for (int i = 0; i < PER_LANE; i++) if (lane + hy::WARP * i == bestId) p[i] = -1.f;
    }
    if (lane != 0) return;
    int kept = k;
    if (minKeep < topK && threshold > 0.f) {
        const float limit = hy::mul_rn(threshold, chosenP[0]);
        kept = minKeep;
        while (kept < k && chosenP[kept] >= limit) kept++;
        kept = max(kept, 1);
    }
    float total = 0.f;
    for (int j = 0; j < kept; j++) total = hy::add_rn(total, chosenP[j]);
    for (int j = 0; j < topK; j++) {
        const bool on = j < kept;
        ids[(long)t * topK + j] = on ? chosenId[j] : -1;
        gates[(long)t * topK + j] = on ? chosenP[j] / total : 0.f;
    }
}

// One block. Slots are the kept (token, expert) pairs ordered by expert, then by token. Writes
//   slotToken/slotGate/slotExpert[slot], tokenSlot[t*topK + j] (-1 when dropped),
//   tiles[3 * i] = {expert, first slot, slot count <= tileSlots}, counts = {slots, tiles}.
HY_KERNEL void __launch_bounds__(hy::SORT_THREADS)
    moe_sort(const int* ids, const float* gates, int ntok, int topK, int experts, int tileSlots, int* slotToken,
             float* slotGate, int* slotExpert, int* tokenSlot, int* tiles, int* counts) {
    __shared__ int count[hy::ROUTE_MAX_EXPERTS];
    __shared__ int offset[hy::ROUTE_MAX_EXPERTS];
    __shared__ int tileOffset[hy::ROUTE_MAX_EXPERTS];
    const int pairs = ntok * topK;
    for (int e = threadIdx.x; e < experts; e += blockDim.x) count[e] = 0;
    __syncthreads();
    for (int i = threadIdx.x; i < pairs; i += blockDim.x) {
        const int e = ids[i];
        if (e >= 0) atomicAdd(&count[e], 1);
        else tokenSlot[i] = -1;
    }
    __syncthreads();
    if (threadIdx.x == 0) {
        int slots = 0, nt = 0;
        for (int e = 0; e < experts; e++) {
            offset[e] = slots;
            tileOffset[e] = nt;
            slots += count[e];
            nt += (count[e] + tileSlots - 1) / tileSlots;
        }
        counts[0] = slots;
        counts[1] = nt;
    }
    __syncthreads();
    // Each expert's thread walks the pairs in token order: deterministic slot order without a sort.
    for (int e = threadIdx.x; e < experts; e += blockDim.x) {
        int s = offset[e];
        for (int i = 0; i < pairs; i++) {
            if (ids[i] != e) continue;
            slotToken[s] = i / topK;
            slotGate[s] = gates[i];
            slotExpert[s] = e;
            tokenSlot[i] = s;
            s++;
        }
        for (int j = 0, first = offset[e]; first < offset[e] + count[e]; j++, first += tileSlots) {
            int* tile = tiles + 3 * (tileOffset[e] + j);
            tile[0] = e;
            tile[1] = first;
            tile[2] = min(tileSlots, offset[e] + count[e] - first);
        }
    }
}

namespace hy {

// y[slot][r] = W_e[r] . x[row(slot)] with e = slotExpert[slot]; row(slot) = slotToken[slot] when slotToken is not
// null (gate/up read the token's activations), else the slot itself (down reads the slot's SwiGLU output).
// grid (ceil(rows / MATVEC_WARPS), gy); blocks stride over slots by gy.
template <class B>
__device__ __forceinline__ void moe_matvec(const uint8_t* __restrict__ W, long rowBytes, long expertBytes, int units,
                                           int rows, const float* __restrict__ x, const int* __restrict__ slotToken,
                                           const int* __restrict__ slotExpert, const int* __restrict__ counts,
                                           float* __restrict__ y) {
    const int row = blockIdx.x * MATVEC_WARPS + threadIdx.x / WARP;
    if (row >= rows) return;
    const int slots = counts[0];
    for (int s = blockIdx.y; s < slots; s += gridDim.y) {
        const float* xs[1] = {x + (long)(slotToken ? slotToken[s] : s) * units * UNIT};
        float sum[1];
        matvec_row<B, 1>(W + (long)slotExpert[s] * expertBytes + (long)row * rowBytes, units, xs, 1, sum);
        if (threadIdx.x % WARP == 0) y[(long)s * rows + row] = sum[0];
    }
}

// grid (ceil(rows / 64), maxTiles); blocks past counts[1] exit.
template <class B>
__device__ __forceinline__ void moe_matmul(const uint8_t* __restrict__ W, long rowBytes, long expertBytes, int units,
                                           int rows, const float* __restrict__ x, const int* __restrict__ slotToken,
                                           const int* __restrict__ tiles, const int* __restrict__ counts,
                                           float* __restrict__ y) {
    if ((int)blockIdx.y >= counts[1]) return;
    const int* tile = tiles + 3 * blockIdx.y;
    const uint8_t* We = W + (long)tile[0] * expertBytes;
    const long stride = (long)units * UNIT;
    if (slotToken) {
        gemm_tile<B>(We, rowBytes, units, rows, blockIdx.x * MM_TILE_ROWS, GatheredRows{x, stride, slotToken},
                     tile[1], tile[2], y);
    } else {
        gemm_tile<B>(We, rowBytes, units, rows, blockIdx.x * MM_TILE_ROWS, DenseRows{x, stride}, tile[1], tile[2], y);
    }
}

}  // namespace hy

#define HY_MOE_PRODUCTS(name, B)                                                                                   \
    HY_KERNEL void __launch_bounds__(hy::MATVEC_THREADS) moe_matvec_##name(                                        \
        const uint8_t* W, long rowBytes, long expertBytes, int units, int rows, const float* x,                   \
        const int* slotToken, const int* slotExpert, const int* counts, float* y) {                                \
        hy::moe_matvec<B>(W, rowBytes, expertBytes, units, rows, x, slotToken, slotExpert, counts, y);             \
    }                                                                                                              \
    HY_KERNEL void __launch_bounds__(hy::MM_THREADS) moe_matmul_##name(                                            \
        const uint8_t* W, long rowBytes, long expertBytes, int units, int rows, const float* x,                   \
        const int* slotToken, const int* tiles, const int* counts, float* y) {                                     \
        hy::moe_matmul<B>(W, rowBytes, expertBytes, units, rows, x, slotToken, tiles, counts, y);                  \
    }
HY_FOR_EACH_WEIGHT_FORMAT(HY_MOE_PRODUCTS)

// grid (ceil(width / COMBINE_THREADS), ntok). acc[t] = (acc[t] + shared[t]) + gate_1 * y[slot_1] + ... with the token's slots in
// ascending expert order and every product and sum rounded, as the CPU (hy.runtime.cpu.backend.CpuMoe) adds them.
HY_KERNEL void __launch_bounds__(hy::COMBINE_THREADS)
    moe_combine(float* acc, const float* shared, const float* y, const int* tokenSlot, const float* slotGate,
                int topK, int width) {
    const int c = blockIdx.x * hy::COMBINE_THREADS + threadIdx.x;
    const int t = blockIdx.y;
    if (c >= width) return;
    int slots[hy::ROUTE_MAX_TOPK];
    int n = 0;
    for (int j = 0; j < topK; j++) {
        const int s = tokenSlot[(long)t * topK + j];
        if (s < 0) continue;
        int i = n++;
        while (i > 0 && slots[i - 1] > s) { slots[i] = slots[i - 1]; i--; }  // slots ascend with the expert id
        slots[i] = s;
    }
    const long at = (long)t * width + c;
    float v = hy::add_rn(acc[at], shared[at]);
    for (int i = 0; i < n; i++) v = hy::add_rn(v, hy::mul_rn(slotGate[slots[i]], y[(long)slots[i] * width + c]));
    acc[at] = v;
}
