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
#include <stdlib.h>

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
#define VF_LOAD(p) _mm512_loadu_ps((const float *) (p))
#define VF_FNMA(a, b, c) _mm512_fnmadd_ps((a), (b), (c))
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
#define VF_LOAD(p) _mm256_loadu_ps((const float *) (p))
#define VF_FNMA(a, b, c) _mm256_fnmadd_ps((a), (b), (c))
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

/* Writes (or, with add, adds to) the RL results of rows row0.., only those below r1. */
INLINE void store_rows(float *y, int64_t row0, int64_t r1, vf v, int add) {
    float tmp[RL];
    VF_STORE(tmp, v);
    int count = row0 + RL <= r1 ? RL : (int) (r1 - row0);
    if (add) {
        for (int i = 0; i < count; i++) y[row0 + i] += tmp[i];
    } else {
        for (int i = 0; i < count; i++) y[row0 + i] = tmp[i];
    }
}

/* ---- Q4_0_R16: per block 16 f16 d, then 4 chunks of 16 rows × 4 bytes (the file's nibble bytes 4k..4k+3). ---- */
INLINE void q4_0r_group(const uint8_t *grp, int b0, int b1, int add, const act *a, const int nt, float *y,
        int64_t y_stride, int64_t row0, int64_t r1) {
    const vi m4 = V_SET8(0x0f);
    for (int h = 0; h < HALVES; h++) {
        vf acc[TGROUP];
        for (int i = 0; i < nt; i++) acc[i] = VF_ZERO();
        for (int b = b0; b < b1; b++) {
            const uint8_t *blk = grp + 288 * b;
            vf dw = VF_SCALES(blk + 16 * h);
            vi lo[4], hi[4];
            for (int k = 0; k < 4; k++) {
                vi w = V_LOAD(blk + 32 + 64 * k + 32 * h);
                lo[k] = V_AND(w, m4);
                hi[k] = V_AND(V_SRLI16(w, 4), m4);
            }
            /* chunk-outer, token-inner: the tokens' sums are independent chains the core overlaps */
            vi dp[TGROUP];
            for (int i = 0; i < nt; i++) dp[i] = V_SET1(-8 * ((const int16_t *) a[i].sums)[b]);
            for (int k = 0; k < 4; k++) {
                for (int i = 0; i < nt; i++) dp[i] = V_DOT(dp[i], lo[k], V_BCAST4(a[i].q + 32 * b + 4 * k));
                for (int i = 0; i < nt; i++) dp[i] = V_DOT(dp[i], hi[k], V_BCAST4(a[i].q + 32 * b + 16 + 4 * k));
            }
            for (int i = 0; i < nt; i++) acc[i] = VF_FMA(VF_CVT(dp[i]), VF_MUL(dw, VF_SET1(a[i].d[b])), acc[i]);
        }
        for (int i = 0; i < nt; i++) store_rows(y + (int64_t) i * y_stride, row0 + RL * h, r1, acc[i], add);
    }
}

/* ---- Q8_0_R16: per block 16 f16 d, then 8 chunks of 16 rows × 4 bytes (q ^ 0x80 of values 4k..4k+3). ---- */
INLINE void q8_0r_group(const uint8_t *grp, int b0, int b1, int add, const act *a, const int nt, float *y,
        int64_t y_stride, int64_t row0, int64_t r1) {
    for (int h = 0; h < HALVES; h++) {
        vf acc[TGROUP];
        for (int i = 0; i < nt; i++) acc[i] = VF_ZERO();
        for (int b = b0; b < b1; b++) {
            const uint8_t *blk = grp + 544 * b;
            vf dw = VF_SCALES(blk + 16 * h);
            vi w[8];
            for (int k = 0; k < 8; k++) w[k] = V_LOAD(blk + 32 + 64 * k + 32 * h);
            vi dp[TGROUP];
            for (int i = 0; i < nt; i++) dp[i] = V_SET1(-Q8_BIAS * ((const int16_t *) a[i].sums)[b]);
            for (int k = 0; k < 8; k++) {
                for (int i = 0; i < nt; i++) dp[i] = Q8_DOT(dp[i], w[k], V_BCAST4(a[i].q + 32 * b + 4 * k));
            }
            for (int i = 0; i < nt; i++) acc[i] = VF_FMA(VF_CVT(dp[i]), VF_MUL(dw, VF_SET1(a[i].d[b])), acc[i]);
        }
        for (int i = 0; i < nt; i++) store_rows(y + (int64_t) i * y_stride, row0 + RL * h, r1, acc[i], add);
    }
}

/*
 * The exported product: row groups from r0/16 up to the one holding row r1 − 1 (Java passes r0 a multiple of 16),
 * results written for rows below r1 only; row_bytes is the file's bytes per row (a group is 16 of them).
 *
 * Several token groups (a prompt batch) go over the weights in tiles: TILE groups of rows × KCHUNK blocks, every
 * token group through a tile's chunk before the next chunk, partial sums added into y. A group's chunk of weights
 * (16 rows × KCHUNK blocks, 9 or 17 KiB) and a token group's chunk of activations (TGROUP × 1 KiB) then stay in L1,
 * the tile's activations for all tokens in L2. One token group (decode) streams each row group once, whole.
 */
#define KCHUNK 32
#define TILE 8

/* Every token group through blocks [b0, b1) of one interleaved 16-row group at grp (rows row0..), name's kernel. */
#define TOKEN_GROUPS(name, grp, b0, b1, block, sums_per_block, row0)                                                  \
    for (int t0 = 0; t0 < tokens; t0 += TGROUP) {                                                                      \
        int nt = tokens - t0 < TGROUP ? tokens - t0 : TGROUP;                                                          \
        act a[TGROUP];                                                                                                 \
        for (int i = 0; i < nt; i++) a[i] = token(q, d, sums, n, block, sums_per_block, t0 + i);                       \
        float *yt = y + (int64_t) t0 * y_stride;                                                                       \
        int add = (b0) > 0;                                                                                            \
        switch (nt) {                                                                                                  \
            case 1: name##_group(grp, b0, b1, add, a, 1, yt, y_stride, row0, r1); break;                               \
            case 2: name##_group(grp, b0, b1, add, a, 2, yt, y_stride, row0, r1); break;                               \
            case 3: name##_group(grp, b0, b1, add, a, 3, yt, y_stride, row0, r1); break;                               \
            case 4: name##_group(grp, b0, b1, add, a, 4, yt, y_stride, row0, r1); break;                               \
            default: name##_group_wide(grp, b0, b1, add, a, nt, yt, y_stride, row0, r1); break;                        \
        }                                                                                                              \
    }
#define HY_INTERLEAVED(name, BLOCK, SUMS_PER_BLOCK, GROUP_BYTES)                                                     \
    void HY_CAT(hy_##name, HY_ISA)(HY_PRODUCT_ARGS) {                                                                  \
        (void) row_bytes;                                                                                              \
        const int nb = n / (BLOCK);                                                                                    \
        const int kc = tokens > TGROUP ? KCHUNK * 32 / (BLOCK) : nb;                                                   \
        const int64_t g_end = (r1 + 15) / 16;                                                                          \
        for (int64_t g0 = r0 / 16; g0 < g_end; g0 += TILE) {                                                           \
            int64_t g1 = g0 + TILE < g_end ? g0 + TILE : g_end;                                                        \
            for (int b0 = 0; b0 < nb; b0 += kc) {                                                                      \
                int b1 = b0 + kc < nb ? b0 + kc : nb;                                                                  \
                for (int64_t g = g0; g < g1; g++) {                                                                    \
                    const uint8_t *grp = w + g * (int64_t) (GROUP_BYTES);                                              \
                    TOKEN_GROUPS(name, grp, b0, b1, BLOCK, SUMS_PER_BLOCK, 16 * g)                                     \
                }                                                                                                      \
            }                                                                                                          \
        }                                                                                                              \
    }

/* Five to eight tokens (AVX-512 only; TGROUP is 4 elsewhere, where this is never called). */
#define HY_WIDE(name)                                                                                                  \
    static void name##_group_wide(const uint8_t *grp, int b0, int b1, int add, const act *a, int nt, float *y,       \
            int64_t y_stride, int64_t row0, int64_t r1) {                                                              \
        switch (nt) {                                                                                                  \
            case 5: name##_group(grp, b0, b1, add, a, 5 < TGROUP ? 5 : TGROUP, y, y_stride, row0, r1); break;          \
            case 6: name##_group(grp, b0, b1, add, a, 6 < TGROUP ? 6 : TGROUP, y, y_stride, row0, r1); break;          \
            case 7: name##_group(grp, b0, b1, add, a, 7 < TGROUP ? 7 : TGROUP, y, y_stride, row0, r1); break;          \
            default: name##_group(grp, b0, b1, add, a, TGROUP, y, y_stride, row0, r1); break;                          \
        }                                                                                                              \
    }

/* Sums: the int16 Σq per 32 of the activations (for Q4_0's −8 and the VNNI Q8_0 bias). */
HY_WIDE(q4_0r)
HY_WIDE(q8_0r)
HY_INTERLEAVED(q4_0r, 32, 2, 16 * row_bytes)
HY_INTERLEAVED(q8_0r, 32, 2, 16 * row_bytes)

/*
 * Batched products over weights in the file's layout (no -rtr): each group of 16 rows is interleaved into a
 * scratch buffer first, then multiplied as above, so prompts get the interleaved kernels' speed; the repacking costs
 * about one pass over the group's bytes per call, small against 8+ tokens' products. Groups start at r0 (any row).
 */
INLINE void pack_rows(const uint8_t *w, int64_t row_bytes, int n, int64_t row0, int64_t r1, int block_bytes,
        int flip, uint8_t *dst) {
    const int chunks = (block_bytes - 2) / 4;
    const int64_t group_block = 16 * (int64_t) block_bytes;
    memset(dst, 0, (size_t) (16 * row_bytes));
    for (int j = 0; j < 16 && row0 + j < r1; j++) {
        const uint8_t *row = w + (row0 + j) * row_bytes;
        for (int b = 0; b < n / 32; b++) {
            const uint8_t *blk = row + (int64_t) block_bytes * b;
            uint8_t *out = dst + group_block * b;
            memcpy(out + 2 * j, blk, 2);
            for (int k = 0; k < chunks; k++) {
                uint32_t v;
                memcpy(&v, blk + 2 + 4 * k, 4);
                v ^= flip ? 0x80808080u : 0;
                memcpy(out + 32 + 64 * k + 4 * j, &v, 4);
            }
        }
    }
}

/* The file's Q4_0 / Q8_0 rows row0.. as one interleaved group (the packers all take these arguments). */
static void pack_q4_0(const uint8_t *w, int64_t row_bytes, int n, int64_t row0, int64_t r1, uint8_t *dst) {
    pack_rows(w, row_bytes, n, row0, r1, 18, 0, dst);
}

static void pack_q8_0(const uint8_t *w, int64_t row_bytes, int n, int64_t row0, int64_t r1, uint8_t *dst) {
    pack_rows(w, row_bytes, n, row0, r1, 34, 1, dst);
}

/* In-place batches: each 16-row group packed into scratch (SCRATCH bytes), then as the interleaved product. */
#define HY_BATCHED(name, BLOCK, SUMS_PER_BLOCK, SCRATCH)                                                               \
    int32_t HY_CAT(hy_##name##b, HY_ISA)(HY_PRODUCT_ARGS) {                                                            \
        const int nb = n / (BLOCK), kc = KCHUNK * 32 / (BLOCK);                                                        \
        uint8_t *grp = (uint8_t *) aligned_alloc(64, (size_t) (((SCRATCH) + 63) / 64 * 64));                           \
        if (!grp) return -1; /* no memory for the scratch: Java throws */                                              \
        for (int64_t row0 = r0; row0 < r1; row0 += 16) {                                                               \
            pack_##name(w, row_bytes, n, row0, r1, grp);                                                               \
            for (int b0 = 0; b0 < nb; b0 += kc) {                                                                      \
                int b1 = b0 + kc < nb ? b0 + kc : nb;                                                                  \
                TOKEN_GROUPS(name##r, grp, b0, b1, BLOCK, SUMS_PER_BLOCK, row0)                                        \
            }                                                                                                          \
        }                                                                                                              \
        free(grp);                                                                                                     \
        return 0;                                                                                                      \
    }

HY_BATCHED(q4_0, 32, 2, 16 * row_bytes)
HY_BATCHED(q8_0, 32, 2, 16 * row_bytes)

/*
 * ---- Q4_K_R16: per 256-block of a 16-row group: 8 × 16 float scales d·sc_j (sub-block j, row r), 8 × 16 float
 * mins dmin·m_j, then per sub-block pair k (values 64k..64k+63) 8 chunks of 16 rows × 4 of the file's nibble bytes
 * (32k+4c..): low nibbles sub-block 2k, high 2k+1. 3072 bytes per block and group (the file has 2304): the scales
 * are unpacked once at packing instead of on every use, and a float holds d·sc exactly (11 × 6 bits). ----
 */
#define Q4KR_BLOCK 3072

/* The scale and min of sub-block j from the 12 packed bytes (ggml's get_scale_min_k4). */
static void k4_scale_min(const uint8_t *s, int j, int *sc, int *m) {
    if (j < 4) {
        *sc = s[j] & 63;
        *m = s[j + 4] & 63;
    } else {
        *sc = (s[j + 4] & 0xf) | ((s[j - 4] >> 6) << 4);
        *m = (s[j + 4] >> 4) | ((s[j] >> 6) << 4);
    }
}

/* Packs the rows row0..row0+15 (those below r1; the rest zero) of an in-place Q4_K matrix into dst. */
static void pack_q4k(const uint8_t *w, int64_t row_bytes, int n, int64_t row0, int64_t r1, uint8_t *dst) {
    memset(dst, 0, (size_t) (n / 256) * Q4KR_BLOCK);
    for (int r = 0; r < 16 && row0 + r < r1; r++) {
        const uint8_t *row = w + (row0 + r) * row_bytes;
        for (int b = 0; b < n / 256; b++) {
            const uint8_t *blk = row + 144 * (int64_t) b;
            uint8_t *out = dst + (int64_t) Q4KR_BLOCK * b;
            float d = f16(blk), dmin = f16(blk + 2);
            for (int j = 0; j < 8; j++) {
                int sc, m;
                k4_scale_min(blk + 4, j, &sc, &m);
                float fs = d * sc, fm = dmin * m;
                memcpy(out + 4 * (16 * j + r), &fs, 4);
                memcpy(out + 512 + 4 * (16 * j + r), &fm, 4);
            }
            for (int k = 0; k < 4; k++) {
                for (int c = 0; c < 8; c++) memcpy(out + 1024 + 64 * (8 * k + c) + 4 * r, blk + 16 + 32 * k + 4 * c, 4);
            }
        }
    }
}

/* Every 16-row group of rows [r0, r1) (r0 a multiple of 16) of an in-place Q4_K matrix, into dst group by group. */
void HY_CAT(hy_pack_q4_kr, HY_ISA)(const uint8_t *w, int64_t row_bytes, int32_t n, int32_t r0, int32_t r1, uint8_t *dst) {
    for (int64_t row0 = r0; row0 < r1; row0 += 16) pack_q4k(w, row_bytes, n, row0, r1, dst + (row0 - r0) / 16 * (n / 256) * (int64_t) Q4KR_BLOCK);
}

/*
 * Per sub-block j: the nibbles of 16 rows (8 chunks), their d·sc_j and dmin·m_j; per token d_a·Σ(q·a) scaled, minus
 * dmin·m_j times the token's d·Σq of the sub-block (the activations' sums, floats).
 */
INLINE void q4_kr_group(const uint8_t *grp, int b0, int b1, int add, const act *a, const int nt, float *y,
        int64_t y_stride, int64_t row0, int64_t r1) {
    const vi m4 = V_SET8(0x0f);
    for (int h = 0; h < HALVES; h++) {
        vf acc[TGROUP];
        for (int i = 0; i < nt; i++) acc[i] = VF_ZERO();
        for (int b = b0; b < b1; b++) {
            const uint8_t *blk = grp + (int64_t) Q4KR_BLOCK * b;
            for (int j = 0; j < 8; j++) {
                const int k = j / 2, high = j % 2;
                vi u[8];
                for (int c = 0; c < 8; c++) {
                    vi wv = V_LOAD(blk + 1024 + 64 * (8 * k + c) + 32 * h);
                    u[c] = high ? V_AND(V_SRLI16(wv, 4), m4) : V_AND(wv, m4);
                }
                vf sc = VF_LOAD(blk + 4 * (16 * j) + 32 * h), mn = VF_LOAD(blk + 512 + 4 * (16 * j) + 32 * h);
                vi dp[TGROUP];
                for (int i = 0; i < nt; i++) dp[i] = V_SET1(0);
                for (int c = 0; c < 8; c++) {
                    for (int i = 0; i < nt; i++) dp[i] = V_DOT(dp[i], u[c], V_BCAST4(a[i].q + 256 * b + 32 * j + 4 * c));
                }
                for (int i = 0; i < nt; i++) {
                    acc[i] = VF_FMA(VF_CVT(dp[i]), VF_MUL(sc, VF_SET1(a[i].d[b])), acc[i]);
                    acc[i] = VF_FNMA(mn, VF_SET1(((const float *) a[i].sums)[8 * b + j]), acc[i]);
                }
            }
        }
        for (int i = 0; i < nt; i++) store_rows(y + (int64_t) i * y_stride, row0 + RL * h, r1, acc[i], add);
    }
}
HY_WIDE(q4_kr)

#define pack_q4_k pack_q4k
/* Sums: d·Σq per 32 as floats, 8 per 256-block. */
HY_INTERLEAVED(q4_kr, 256, 32, nb * Q4KR_BLOCK)
HY_BATCHED(q4_k, 256, 32, (int64_t) nb * Q4KR_BLOCK)
