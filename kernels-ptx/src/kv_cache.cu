// Writes the keys and values of a batch into one layer's cache rows at positions startPos.., encoded in the cache
// format exactly as the CPU cache encodes them. grid (ntok, 2): y = 0 keys, 1 values; one thread per 32 values.
#include "kv_formats.cuh"

namespace hy {

constexpr int KV_STORE_THREADS = 128;

template <class KV>
__device__ __forceinline__ void kv_store(const float* __restrict__ k, const float* __restrict__ v, uint8_t* kc,
                                         uint8_t* vc, long kRowBytes, long vRowBytes, const int* startPos, int kvDim) {
    const int t = blockIdx.x;
    const bool isKey = blockIdx.y == 0;
    const float* src = (isKey ? k : v) + (long)t * kvDim;
    uint8_t* dst = isKey ? kc + (long)(*startPos + t) * kRowBytes : vc + (long)(*startPos + t) * vRowBytes;
    for (int b = threadIdx.x; b < kvDim / 32; b += KV_STORE_THREADS) {
        float block[32];
        for (int j = 0; j < 32; j++) block[j] = src[32 * b + j];
        KV::store32(block, dst + (long)b * KV::BLOCK_BYTES);
    }
}

}  // namespace hy

#define HY_KV_STORE(name, KV)                                                                                      \
    HY_KERNEL void __launch_bounds__(hy::KV_STORE_THREADS) kv_store_##name(                                        \
        const float* k, const float* v, uint8_t* kc, uint8_t* vc, long kRowBytes, long vRowBytes,                  \
        const int* startPos, int kvDim) {                                                                          \
        hy::kv_store<KV>(k, v, kc, vc, kRowBytes, vRowBytes, startPos, kvDim);                                     \
    }
HY_FOR_EACH_KV_FORMAT(HY_KV_STORE)
