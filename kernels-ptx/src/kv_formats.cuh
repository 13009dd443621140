// KV-cache row formats: one row of kvDim values per (layer, position), stored as F32, F16, BF16 or Q8_0 blocks, the
// same bytes the CPU cache (hy.runtime.cpu.backend.CpuKvCache) writes. store32 encodes 32 consecutive values the way
// the Java codecs quantize; load reads one element back.
#pragma once

#include "common.cuh"
#include <math.h>

namespace hy {

struct KvF32 {
    static constexpr int BLOCK_BYTES = 128;
    static HY_HD float load(const uint8_t* row, int e) { return reinterpret_cast<const float*>(row)[e]; }
    static HY_HD void store32(const float* src, uint8_t* dst) {
        float* d = reinterpret_cast<float*>(dst);
        for (int j = 0; j < 32; j++) d[j] = src[j];
    }
};

struct KvF16 {
    static constexpr int BLOCK_BYTES = 64;
    static HY_HD float load(const uint8_t* row, int e) {
        return half_bits_to_float(reinterpret_cast<const uint16_t*>(row)[e]);
    }
    static HY_HD void store32(const float* src, uint8_t* dst) {
        uint16_t* d = reinterpret_cast<uint16_t*>(dst);
        for (int j = 0; j < 32; j++) d[j] = float_to_half_bits(src[j]);
    }
};

struct KvBF16 {
    static constexpr int BLOCK_BYTES = 64;
    static HY_HD float load(const uint8_t* row, int e) {
        return bf16_bits_to_float(reinterpret_cast<const uint16_t*>(row)[e]);
    }
    static HY_HD void store32(const float* src, uint8_t* dst) {
        uint16_t* d = reinterpret_cast<uint16_t*>(dst);
        for (int j = 0; j < 32; j++) d[j] = float_to_bf16_bits(src[j]);
    }
};

// Q8_0: half d = amax/127, then round-half-away(x/d) as int8 (ggml's quantize_row_q8_0_ref, LegacyCodecs.Q8_0).
struct KvQ8_0 {
    static constexpr int BLOCK_BYTES = 34;
    static HY_HD float load(const uint8_t* row, int e) {
        const uint8_t* b = row + (e >> 5) * BLOCK_BYTES;
        return mul_rn((float)(int8_t)b[2 + (e & 31)], half_bits_to_float(load_u16(b)));
    }
    static HY_HD void store32(const float* src, uint8_t* dst) {
        float amax = 0.f;
        for (int j = 0; j < 32; j++) amax = fmaxf(amax, fabsf(src[j]));
        const float d = amax / 127.f;
        const float id = d != 0.f ? 1.f / d : 0.f;
        const uint16_t dh = float_to_half_bits(d);
        dst[0] = (uint8_t)(dh & 0xFF);
        dst[1] = (uint8_t)(dh >> 8);
        for (int j = 0; j < 32; j++) dst[2 + j] = (uint8_t)(int8_t)(int)roundf(mul_rn(src[j], id));
    }
};

}  // namespace hy

// Cache formats with their kernel-name suffixes (hy.cuda.kernels.KvFormat lists the same).
#define HY_FOR_EACH_KV_FORMAT(X) \
    X(f32, hy::KvF32)            \
    X(f16, hy::KvF16)            \
    X(bf16, hy::KvBF16)          \
    X(q8_0, hy::KvQ8_0)
