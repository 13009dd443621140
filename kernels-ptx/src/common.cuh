// Helpers shared by every hy kernel module: exported-kernel macro, half/bfloat16 conversions that also compile on the
// host (so the decoders can be checked against the Java codecs without a GPU), warp reductions and a few
// arithmetic helpers that forbid FMA contraction where the result must equal the CPU's rounding step for step.
#pragma once

#include <cuda_fp16.h>
#include <stdint.h>
#include <string.h>

// Kernels are exported with C linkage so that the driver API finds them by their plain name.
#define HY_KERNEL extern "C" __global__

#define HY_HD __host__ __device__ __forceinline__

namespace hy {

constexpr int WARP = 32;

// ---- half and bfloat16 -------------------------------------------------------------------------------------------

// IEEE half -> float, bit-exact on host and device.
HY_HD float half_bits_to_float(uint16_t h) {
#ifdef __CUDA_ARCH__
    return __half2float(__ushort_as_half(h));
#else
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    uint32_t exp = (h >> 10) & 0x1Fu;
    uint32_t man = h & 0x3FFu;
    uint32_t bits;
    if (exp == 0) {
        if (man == 0) {
            bits = sign;
        } else {  // subnormal: normalise
            exp = 127 - 15 + 1;
            while ((man & 0x400u) == 0) { man <<= 1; exp--; }
            man &= 0x3FFu;
            bits = sign | (exp << 23) | (man << 13);
        }
    } else if (exp == 31) {
        bits = sign | 0x7F800000u | (man << 13);
    } else {
        bits = sign | ((exp + 127 - 15) << 23) | (man << 13);
    }
    float f;
    memcpy(&f, &bits, 4);
    return f;
#endif
}

// float -> IEEE half bits, round to nearest even (as Java's Float.floatToFloat16 and ggml).
HY_HD uint16_t float_to_half_bits(float f) {
#ifdef __CUDA_ARCH__
    return __half_as_ushort(__float2half_rn(f));
#else
    return __half_as_ushort(__float2half_rn(f));  // cuda_fp16.h provides a host implementation too
#endif
}

HY_HD float bf16_bits_to_float(uint16_t b) {
    uint32_t bits = (uint32_t)b << 16;
    float f;
#ifdef __CUDA_ARCH__
    f = __uint_as_float(bits);
#else
    memcpy(&f, &bits, 4);
#endif
    return f;
}

// ggml_compute_fp32_to_bf16: round to nearest even; a NaN keeps its upper bits with the quiet bit forced.
HY_HD uint16_t float_to_bf16_bits(float f) {
    uint32_t u;
#ifdef __CUDA_ARCH__
    u = __float_as_uint(f);
#else
    memcpy(&u, &f, 4);
#endif
    if ((u & 0x7FFFFFFFu) > 0x7F800000u) return (uint16_t)((u >> 16) | 64);
    return (uint16_t)((u + (0x7FFFu + ((u >> 16) & 1u))) >> 16);
}

// ---- arithmetic without contraction -------------------------------------------------------------------------------
// nvcc fuses a*b+c into one FMA by default; the Java codecs round the product first. Where a kernel must reproduce a
// codec's value exactly (dequantized weights, quantized cache rows) it uses these.

HY_HD float mul_rn(float a, float b) {
#ifdef __CUDA_ARCH__
    return __fmul_rn(a, b);
#else
    volatile float r = a * b;
    return r;
#endif
}

HY_HD float add_rn(float a, float b) {
#ifdef __CUDA_ARCH__
    return __fadd_rn(a, b);
#else
    volatile float r = a + b;
    return r;
#endif
}

HY_HD float sub_rn(float a, float b) {
#ifdef __CUDA_ARCH__
    return __fsub_rn(a, b);
#else
    volatile float r = a - b;
    return r;
#endif
}

// ---- unaligned little-endian loads (block formats are only 2-byte aligned) ---------------------------------------

HY_HD uint32_t load_u16(const uint8_t* p) {  // p is 2-byte aligned
    return *reinterpret_cast<const uint16_t*>(p);
}

HY_HD uint32_t load_u32_2aligned(const uint8_t* p) {
    return load_u16(p) | (load_u16(p + 2) << 16);
}

#ifdef __CUDACC__

// ---- warp and block reductions ------------------------------------------------------------------------------------

__device__ __forceinline__ float warp_sum(float v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xFFFFFFFFu, v, o);
    return v;
}

__device__ __forceinline__ float warp_max(float v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xFFFFFFFFu, v, o));
    return v;
}

// Sum over the whole block; every thread gets the total. `scratch` holds one float per warp.
__device__ __forceinline__ float block_sum(float v, float* scratch) {
    const int lane = threadIdx.x % WARP, warp = threadIdx.x / WARP, warps = (blockDim.x + WARP - 1) / WARP;
    v = warp_sum(v);
    __syncthreads();  // scratch may still be read by a previous call
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    float total = 0.f;
    for (int w = 0; w < warps; w++) total += scratch[w];
    return total;
}

#endif  // __CUDACC__

}  // namespace hy
