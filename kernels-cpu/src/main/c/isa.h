/*
 * What products.c and interleaved.c share: the instruction-set switch (-DHY_ISA_AVX512VNNI, -DHY_ISA_AVXVNNI or
 * neither for AVX2), the 8-bit dot product, and small helpers. Each including file is compiled once per set.
 */
#ifndef HY_ISA_H
#define HY_ISA_H
#include "hy_cpu.h"
#include <immintrin.h>
#include <string.h>

#if defined(HY_ISA_AVX512VNNI)
#define HY_ISA avx512vnni
#define DPBUSD(acc, u, s) _mm256_dpbusd_epi32((acc), (u), (s))
#elif defined(HY_ISA_AVXVNNI)
#define HY_ISA avxvnni
#define DPBUSD(acc, u, s) _mm256_dpbusd_avx_epi32((acc), (u), (s))
#else
#define HY_ISA avx2
#define DPBUSD(acc, u, s) _mm256_add_epi32((acc), _mm256_madd_epi16(_mm256_maddubs_epi16((u), (s)), _mm256_set1_epi16(1)))
#endif

#define HY_CAT2(a, b) a##_##b
#define HY_CAT(a, b) HY_CAT2(a, b)
#define INLINE static inline __attribute__((always_inline))
#define GROUP 4

/* Σ over 32 unsigned × signed bytes of one sub-block, times a per-16 int16 scale vector, as 8 int32 lanes. */
#define SCALED_DOT(u, s, scale16) _mm256_madd_epi16(_mm256_maddubs_epi16((u), (s)), (scale16))

INLINE float f16(const uint8_t *p) {
    uint16_t h;
    memcpy(&h, p, 2);
    return _cvtsh_ss(h);
}

INLINE __m256i load256(const void *p) { return _mm256_loadu_si256((const __m256i *) p); }

INLINE float hsum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/* Per 16-bit lane: the unsigned byte j of the broadcast 16 bytes in b (both 128-bit halves the same). */
INLINE __m256i byte_as_i16(__m256i b, int j) { return _mm256_shuffle_epi8(b, _mm256_set1_epi16((short) (0x8000 | j))); }

/*
 * Software prefetch PREFETCH_AHEAD bytes past the `bytes` about to be read. Weights stream from memory, and the
 * hardware prefetchers stop at every 4 KiB page (the model file's mapping has no huge pages): prefetching far
 * enough ahead takes the next page's TLB miss and first lines out of the critical path.
 */
#ifndef PREFETCH_AHEAD
#define PREFETCH_AHEAD 4096
#endif
INLINE void prefetch_ahead(const uint8_t *p, int bytes) {
    for (int off = 0; off < bytes; off += 64) _mm_prefetch((const char *) p + PREFETCH_AHEAD + off, _MM_HINT_T0);
}

/* The activations of token t (see hy_cpu.h). */
typedef struct {
    const int8_t *q;
    const float *d;
    const void *sums;
} act;

INLINE act token(const int8_t *q, const float *d, const void *sums, int n, int block, int sums_per_block, int t) {
    act a;
    a.q = q + (int64_t) t * n;
    a.d = d + (int64_t) t * (n / block);
    a.sums = sums ? (const char *) sums + (int64_t) t * (n / block) * sums_per_block : 0;
    return a;
}

#endif
