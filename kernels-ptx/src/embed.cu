// Embedding lookup: out[t] = row tokens[t] of the table, decoded to float32. One thread per 32-weight unit.
#include "quant_blocks.cuh"

namespace hy {

constexpr int EMBED_THREADS = 128;  // hy.cuda.kernels.KernelGeometry.EMBED_THREADS

// grid (ceil(units / EMBED_THREADS), ntok); out rows are units * 32 floats wide.
template <class B>
__device__ __forceinline__ void embed(const uint8_t* __restrict__ table, long rowBytes, int units,
                                      const int* __restrict__ tokens, float* __restrict__ out) {
    const int u = blockIdx.x * EMBED_THREADS + threadIdx.x;
    const int t = blockIdx.y;
    if (u >= units) return;
    float v[UNIT];
    decode_unit<B>(table + (long)tokens[t] * rowBytes, u, v);
    float4* dst = reinterpret_cast<float4*>(out + (long)t * units * UNIT + (long)u * UNIT);
#pragma unroll
    for (int i = 0; i < UNIT / 4; i++) dst[i] = make_float4(v[4 * i], v[4 * i + 1], v[4 * i + 2], v[4 * i + 3]);
}

}  // namespace hy

#define HY_EMBED(name, B)                                                                                          \
    HY_KERNEL void __launch_bounds__(hy::EMBED_THREADS)                                                            \
        embed_##name(const uint8_t* table, long rowBytes, int units, const int* tokens, float* out) {              \
        hy::embed<B>(table, rowBytes, units, tokens, out);                                                         \
    }
HY_FOR_EACH_WEIGHT_FORMAT(HY_EMBED)
