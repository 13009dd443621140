/*
 * Activation quantization for the products (hy.runtime.cpu.QuantizedActivations defines it; this is the same
 * arithmetic, bit for bit, vectorized): per block of 32 or 256 values d = max|x| / 127, q = floor(x · (1/d) + 0.5)
 * clamped to ±127 (0 where d = 0), each step one IEEE float operation. Compiled with -ffp-contract=off so that
 * no multiply and add fuse into an FMA, which would round differently from Java.
 *
 * Besides q and d it writes what the products need: for 32-blocks d·Σq (float) and Σq (int16) per block, for
 * 256-blocks Σq per 16 (int16) and, where dsum32 is given, d·Σq per 32 (float; interleaved Q4_K's min term). Compiled once per instruction set like the products; AVX2 code in all three.
 */
#include "isa.h"

INLINE float hmax(__m256 v) {
    __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    m = _mm_max_ss(m, _mm_movehdup_ps(m));
    return _mm_cvtss_f32(m);
}

INLINE int32_t hsum_i32(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
    return _mm_cvtsi128_si32(s);
}

/* 8 values → 8 int32 q (round half up, clamped). */
INLINE __m256i round8(const float *x, __m256 inverse) {
    __m256 r = _mm256_floor_ps(_mm256_add_ps(_mm256_mul_ps(_mm256_loadu_ps(x), inverse), _mm256_set1_ps(0.5f)));
    __m256i v = _mm256_cvttps_epi32(r);
    return _mm256_max_epi32(_mm256_min_epi32(v, _mm256_set1_epi32(127)), _mm256_set1_epi32(-127));
}

/* 8 int32 (within ±127) → 8 int8 stored at q. */
INLINE void store8(int8_t *q, __m256i v) {
    __m128i s16 = _mm_packs_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    __m128i s8 = _mm_packs_epi16(s16, s16);
    _mm_storel_epi64((__m128i *) q, s8);
}

void HY_CAT(hy_quantize, HY_ISA)(const float *x, int64_t count, int32_t block, int8_t *q, float *d, float *dsum32,
        int16_t *sum32, int16_t *sum16) {
    const __m256 sign = _mm256_set1_ps(-0.0f);
    for (int64_t b = 0; b < count / block; b++) {
        const float *xb = x + b * block;
        __m256 m = _mm256_setzero_ps();
        for (int i = 0; i < block; i += 8) m = _mm256_max_ps(m, _mm256_andnot_ps(sign, _mm256_loadu_ps(xb + i)));
        float amax = hmax(m);
        float scale = amax / 127;
        float inverse = scale == 0 ? 0 : 1 / scale;
        __m256 inv = _mm256_set1_ps(inverse);
        d[b] = scale;
        int8_t *qb = q + b * block;
        for (int g = 0; g < block; g += 16) {
            __m256i v0 = round8(xb + g, inv), v1 = round8(xb + g + 8, inv);
            store8(qb + g, v0);
            store8(qb + g + 8, v1);
            if (block == 256) sum16[b * 16 + g / 16] = (int16_t) hsum_i32(_mm256_add_epi32(v0, v1));
        }
        if (block == 256 && dsum32) {
            for (int j = 0; j < 8; j++) dsum32[b * 8 + j] = scale * (sum16[b * 16 + 2 * j] + sum16[b * 16 + 2 * j + 1]);
        }
        if (block == 32) {
            int s = 0;
            for (int i = 0; i < 32; i++) s += qb[i];
            sum32[b] = (int16_t) s;
            dsum32[b] = scale * s;
        }
    }
}
