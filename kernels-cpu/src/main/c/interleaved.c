/*
 * Products over weights repacked at load time (-rtr) into groups of 16 rows interleaved 4 bytes at a time (the
 * "R16" layouts, written by hy.runtime.cpu.Interleaved; hy_cpu.h describes them). One 32-bit lane holds 4 weights
 * of one row, so a vector of lanes is 16 (or 8) rows, and one vpdpbusd with the token's 4 activations broadcast
 * adds 4 products to every row at once: no horizontal sums, and the 16 rows' scales of a block are one f16 vector.
 *
 * AVX-512 VNNI works on all 16 rows per vector; AVX-VNNI and AVX2 on 8 rows, twice (the two halves of each
 * 64-byte chunk). Tokens go in groups (TGROUP: eight with AVX-512, four elsewhere): a block's weights are loaded
 * (and Q4_0's nibbles unpacked) once per group.
 */
#include "isa.h"

#if defined(HY_ISA_AVX512VNNI)
#define RL 16
typedef __m512i vi;
typedef __m512 vf;
#define V_LOAD(p) _mm512_loadu_si512((const void *) (p))
#define V_SET1(x) _mm512_set1_epi32(x)
#define V_SET8(x) _mm512_set1_epi8(x)
#define V_AND(a, b) _mm512_and_si512((a), (b))
#define V_XOR(a, b) _mm512_xor_si512((a), (b))
#define V_SRLI16(a, k) _mm512_srli_epi16((a), (k))
#define V_DOT(acc, u, s) _mm512_dpbusd_epi32((acc), (u), (s))
#define VF_CVT(a) _mm512_cvtepi32_ps(a)
#define VF_FMA(a, b, c) _mm512_fmadd_ps((a), (b), (c))
#define VF_MUL(a, b) _mm512_mul_ps((a), (b))
#define VF_SET1(x) _mm512_set1_ps(x)
#define VF_ZERO() _mm512_setzero_ps()
#define VF_SCALES(p) _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *) (p)))
#define VF_STORE(p, v) _mm512_storeu_ps((p), (v))
#else
#define RL 8
typedef __m256i vi;
typedef __m256 vf;
#define V_LOAD(p) _mm256_loadu_si256((const __m256i *) (p))
#define V_SET1(x) _mm256_set1_epi32(x)
#define V_SET8(x) _mm256_set1_epi8(x)
#define V_AND(a, b) _mm256_and_si256((a), (b))
#define V_XOR(a, b) _mm256_xor_si256((a), (b))
#define V_SRLI16(a, k) _mm256_srli_epi16((a), (k))
#define V_DOT(acc, u, s) DPBUSD((acc), (u), (s))
#define VF_CVT(a) _mm256_cvtepi32_ps(a)
#define VF_FMA(a, b, c) _mm256_fmadd_ps((a), (b), (c))
#define VF_MUL(a, b) _mm256_mul_ps((a), (b))
#define VF_SET1(x) _mm256_set1_ps(x)
#define VF_ZERO() _mm256_setzero_ps()
#define VF_SCALES(p) _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *) (p)))
#define VF_STORE(p, v) _mm256_storeu_ps((p), (v))
#endif
#define HALVES (16 / RL)
/* Tokens per pass over a block's weights: eight where 32 vector registers hold their accumulators. */
#if defined(HY_ISA_AVX512VNNI)
#define TGROUP 8
#else
#define TGROUP 4
#endif

INLINE int32_t load_i32(const int8_t *p) {
    int32_t v;
    memcpy(&v, p, 4);
    return v;
}

#define V_BCAST4(p) V_SET1(load_i32(p))

/*
 * Q8_0 biased weights (u = q + 128, stored as q ^ 0x80) against signed activations. With VNNI the bias comes out
 * exactly through the block's activation sum (Σ u·a = Σ q·a + 128·Σa). AVX2's vpmaddubsw would saturate on
 * u up to 255, so there the bias is removed first and the product goes through |q| and a·sign(q).
 */
#if defined(HY_ISA_AVX512VNNI) || defined(HY_ISA_AVXVNNI)
#define Q8_BIAS 128
#define Q8_DOT(acc, w, a) V_DOT((acc), (w), (a))
#else
#define Q8_BIAS 0
INLINE __m256i q8_dot_avx2(__m256i acc, __m256i w, __m256i a) {
    __m256i q = _mm256_xor_si256(w, _mm256_set1_epi8((char) 0x80));
    return DPBUSD(acc, _mm256_sign_epi8(q, q), _mm256_sign_epi8(a, q));
}
#define Q8_DOT(acc, w, a) q8_dot_avx2((acc), (w), (a))
#endif

/* Writes the RL results of rows row0.. of token t, only those below r1. */
INLINE void store_rows(float *y, int64_t row0, int64_t r1, vf v) {
    if (row0 + RL <= r1) {
        VF_STORE(y + row0, v);
    } else {
        float tmp[RL];
        VF_STORE(tmp, v);
        for (int i = 0; row0 + i < r1; i++) y[row0 + i] = tmp[i];
    }
}

/* ---- Q4_0_R16: per block 16 f16 d, then 4 chunks of 16 rows × 4 bytes (the file's nibble bytes 4k..4k+3). ---- */
INLINE void q4_0r_group(const uint8_t *grp, int n, const act *a, const int nt, float *y, int64_t y_stride,
        int64_t row0, int64_t r1) {
    const vi m4 = V_SET8(0x0f);
    for (int h = 0; h < HALVES; h++) {
        vf acc[TGROUP];
        for (int i = 0; i < nt; i++) acc[i] = VF_ZERO();
        for (int b = 0; b < n / 32; b++) {
            const uint8_t *blk = grp + 288 * b;
            vf dw = VF_SCALES(blk + 16 * h);
            vi lo[4], hi[4];
            for (int k = 0; k < 4; k++) {
                vi w = V_LOAD(blk + 32 + 64 * k + 32 * h);
                lo[k] = V_AND(w, m4);
                hi[k] = V_AND(V_SRLI16(w, 4), m4);
            }
            for (int i = 0; i < nt; i++) {
                const int8_t *q = a[i].q + 32 * b;
                vi dp = V_SET1(-8 * ((const int16_t *) a[i].sums)[b]);
                for (int k = 0; k < 4; k++) {
                    dp = V_DOT(dp, lo[k], V_BCAST4(q + 4 * k));
                    dp = V_DOT(dp, hi[k], V_BCAST4(q + 16 + 4 * k));
                }
                acc[i] = VF_FMA(VF_CVT(dp), VF_MUL(dw, VF_SET1(a[i].d[b])), acc[i]);
            }
        }
        for (int i = 0; i < nt; i++) store_rows(y + (int64_t) i * y_stride, row0 + RL * h, r1, acc[i]);
    }
}

/* ---- Q8_0_R16: per block 16 f16 d, then 8 chunks of 16 rows × 4 bytes (q ^ 0x80 of values 4k..4k+3). ---- */
INLINE void q8_0r_group(const uint8_t *grp, int n, const act *a, const int nt, float *y, int64_t y_stride,
        int64_t row0, int64_t r1) {
    for (int h = 0; h < HALVES; h++) {
        vf acc[TGROUP];
        for (int i = 0; i < nt; i++) acc[i] = VF_ZERO();
        for (int b = 0; b < n / 32; b++) {
            const uint8_t *blk = grp + 544 * b;
            vf dw = VF_SCALES(blk + 16 * h);
            vi w[8];
            for (int k = 0; k < 8; k++) w[k] = V_LOAD(blk + 32 + 64 * k + 32 * h);
            for (int i = 0; i < nt; i++) {
                const int8_t *q = a[i].q + 32 * b;
                vi dp = V_SET1(-Q8_BIAS * ((const int16_t *) a[i].sums)[b]);
                for (int k = 0; k < 8; k++) dp = Q8_DOT(dp, w[k], V_BCAST4(q + 4 * k));
                acc[i] = VF_FMA(VF_CVT(dp), VF_MUL(dw, VF_SET1(a[i].d[b])), acc[i]);
            }
        }
        for (int i = 0; i < nt; i++) store_rows(y + (int64_t) i * y_stride, row0 + RL * h, r1, acc[i]);
    }
}

/*
 * The exported product: row groups from r0/16 up to the one holding row r1 − 1 (Java passes r0 a multiple of 16),
 * results written for rows below r1 only; row_bytes is the file's bytes per row (a group is 16 of them).
 */
#define HY_INTERLEAVED(name)                                                                                           \
    void HY_CAT(hy_##name, HY_ISA)(HY_PRODUCT_ARGS) {                                                                  \
        for (int64_t g = r0 / 16; 16 * g < r1; g++) {                                                                  \
            const uint8_t *grp = w + 16 * g * row_bytes;                                                               \
            for (int t0 = 0; t0 < tokens; t0 += TGROUP) {                                                              \
                int nt = tokens - t0 < TGROUP ? tokens - t0 : TGROUP;                                                  \
                act a[TGROUP];                                                                                         \
                for (int i = 0; i < nt; i++) a[i] = token(q, d, sums, n, 32, 2, t0 + i);                               \
                float *yt = y + (int64_t) t0 * y_stride;                                                               \
                switch (nt) {                                                                                          \
                    case 1: name##_group(grp, n, a, 1, yt, y_stride, 16 * g, r1); break;                               \
                    case 2: name##_group(grp, n, a, 2, yt, y_stride, 16 * g, r1); break;                               \
                    case 3: name##_group(grp, n, a, 3, yt, y_stride, 16 * g, r1); break;                               \
                    case 4: name##_group(grp, n, a, 4, yt, y_stride, 16 * g, r1); break;                               \
                    default: name##_group_wide(grp, n, a, nt, yt, y_stride, 16 * g, r1); break;                        \
                }                                                                                                      \
            }                                                                                                          \
        }                                                                                                              \
    }

/* Five to eight tokens (AVX-512 only; TGROUP is 4 elsewhere, where this is never called). */
#define HY_WIDE(name)                                                                                                  \
    static void name##_group_wide(const uint8_t *grp, int n, const act *a, int nt, float *y, int64_t y_stride,        \
            int64_t row0, int64_t r1) {                                                                                \
        switch (nt) {                                                                                                  \
            case 5: name##_group(grp, n, a, 5 < TGROUP ? 5 : TGROUP, y, y_stride, row0, r1); break;                    \
            case 6: name##_group(grp, n, a, 6 < TGROUP ? 6 : TGROUP, y, y_stride, row0, r1); break;                    \
            case 7: name##_group(grp, n, a, 7 < TGROUP ? 7 : TGROUP, y, y_stride, row0, r1); break;                    \
            default: name##_group(grp, n, a, TGROUP, y, y_stride, row0, r1); break;                                    \
        }                                                                                                              \
    }

/* Sums: the int16 Σq per 32 of the activations (for Q4_0's −8 and the VNNI Q8_0 bias). */
HY_WIDE(q4_0r)
HY_WIDE(q8_0r)
HY_INTERLEAVED(q4_0r)
HY_INTERLEAVED(q8_0r)
