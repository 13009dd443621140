/*
 * The products of hy_cpu.h for one instruction set, chosen by -DHY_ISA_AVX512VNNI, -DHY_ISA_AVXVNNI or neither
 * (AVX2). The source is compiled once per set; only the 8-bit dot-product instruction differs (VNNI's vpdpbusd, or
 * AVX2's vpmaddubsw + vpmaddwd, which gives the same sums because no pair of u8·s8 products here exceeds int16).
 *
 * Layouts are ggml's (ggml-common.h): every block starts with its f16 scale(s) except Q6_K, whose d comes last.
 * All values are in the file's natural order, so activations are quantized once for every matrix.
 *
 * Work order: rows in tiles of about 16 KiB (they stay in L1/L2), and for each tile the tokens in groups of up to
 * four; each row's blocks are unpacked once per group and multiplied with every token of the group.
 */
#include "isa.h"

/* The eight int32 lane sums of eight vectors, as one vector (lane j = Σ of dp[j]). */
INLINE __m256i sum8(const __m256i *dp) {
    __m256i h01 = _mm256_hadd_epi32(dp[0], dp[1]), h23 = _mm256_hadd_epi32(dp[2], dp[3]);
    __m256i h45 = _mm256_hadd_epi32(dp[4], dp[5]), h67 = _mm256_hadd_epi32(dp[6], dp[7]);
    __m256i h0123 = _mm256_hadd_epi32(h01, h23), h4567 = _mm256_hadd_epi32(h45, h67);
    return _mm256_add_epi32(_mm256_permute2x128_si256(h0123, h4567, 0x20), _mm256_permute2x128_si256(h0123, h4567, 0x31));
}

#if defined(HY_ISA_AVX512VNNI)
/*
 * With AVX-512 a 512-bit vector holds two 32-value blocks; the eight lane sums of four such vectors (blocks 0-7)
 * come out in the order 0, 2, 4, 6, 1, 3, 5, 7 (the low halves, then the high ones), and the scales are permuted to
 * match (PAIR_ORDER) instead of the sums.
 */
#define PAIR_ORDER _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7)
INLINE __m256i sum8_pairs(const __m512i *v) {
    __m512i p01 = _mm512_add_epi32(_mm512_unpacklo_epi32(v[0], v[1]), _mm512_unpackhi_epi32(v[0], v[1]));
    __m512i p23 = _mm512_add_epi32(_mm512_unpacklo_epi32(v[2], v[3]), _mm512_unpackhi_epi32(v[2], v[3]));
    /* per 128-bit lane l: the four sums of v[0..3]'s lane l */
    __m512i q = _mm512_add_epi32(_mm512_unpacklo_epi64(p01, p23), _mm512_unpackhi_epi64(p01, p23));
    __m512i t = _mm512_add_epi32(q, _mm512_shuffle_i32x4(q, q, _MM_SHUFFLE(2, 3, 0, 1))); /* lanes 0+1, 2+3 */
    return _mm512_castsi512_si256(_mm512_shuffle_i32x4(t, t, _MM_SHUFFLE(0, 0, 2, 0)));
}

INLINE __m512i join256(__m256i lo, __m256i hi) { return _mm512_inserti64x4(_mm512_castsi256_si512(lo), hi, 1); }
#endif

/* The f16 scales at the start of eight consecutive blocks of `stride` bytes, as floats. */
INLINE __m256 scales8(const uint8_t *p, const int stride) {
    uint16_t h[8];
    for (int j = 0; j < 8; j++) memcpy(&h[j], p + stride * j, 2);
    __m128i v = _mm_setr_epi16((short) h[0], (short) h[1], (short) h[2], (short) h[3], (short) h[4], (short) h[5],
            (short) h[6], (short) h[7]);
    return _mm256_cvtph_ps(v);
}

/*
 * ---- Q4_0: 18 bytes per 32: f16 d, 16 bytes of nibbles (low: values 0-15, high: 16-31); w = d·(q − 8). ----
 * Eight blocks at a time: their integer sums are gathered into one vector, so the scales (d_w·d_a, and the offset
 * d_w·d_a·Σa) are applied with one vector multiply-add per eight blocks instead of scalar work per block.
 */
INLINE __m256i q4_0_unpack(const uint8_t *blk) {
    __m128i raw = _mm_loadu_si128((const __m128i *) (blk + 2));
    return _mm256_and_si256(_mm256_setr_m128i(raw, _mm_srli_epi16(raw, 4)), _mm256_set1_epi8(0x0f));
}

INLINE void q4_0_rows(const uint8_t *row, int n, const act *a, const int nt, float *out) {
    __m256 acc[GROUP], offset[GROUP];
    float tail[GROUP];
    for (int i = 0; i < nt; i++) acc[i] = offset[i] = _mm256_setzero_ps(), tail[i] = 0;
    const int nb = n / 32;
    int b = 0;
    for (; b + 8 <= nb; b += 8) {
        const uint8_t *blk = row + 18 * b;
        prefetch_ahead(blk, 18 * 8);
        __m256 dw = scales8(blk, 18);
#if defined(HY_ISA_AVX512VNNI)
        __m512i u[4];
        for (int p = 0; p < 4; p++) u[p] = join256(q4_0_unpack(blk + 36 * p), q4_0_unpack(blk + 36 * p + 18));
        __m256 dwp = _mm256_permutexvar_ps(PAIR_ORDER, dw);
        for (int i = 0; i < nt; i++) {
            __m512i dp[4];
            for (int p = 0; p < 4; p++) {
                dp[p] = _mm512_dpbusd_epi32(_mm512_setzero_si512(), u[p], _mm512_loadu_si512(a[i].q + 32 * (b + 2 * p)));
            }
            __m256 s = _mm256_mul_ps(dwp, _mm256_permutexvar_ps(PAIR_ORDER, _mm256_loadu_ps(a[i].d + b)));
            acc[i] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(sum8_pairs(dp)), s, acc[i]);
            offset[i] = _mm256_fmadd_ps(dw, _mm256_loadu_ps((const float *) a[i].sums + b), offset[i]);
        }
#else
        __m256i u[8];
        for (int j = 0; j < 8; j++) u[j] = q4_0_unpack(blk + 18 * j);
        for (int i = 0; i < nt; i++) {
            __m256i dp[8];
            for (int j = 0; j < 8; j++) dp[j] = DPBUSD(_mm256_setzero_si256(), u[j], load256(a[i].q + 32 * (b + j)));
            __m256 s = _mm256_mul_ps(dw, _mm256_loadu_ps(a[i].d + b));
            acc[i] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(sum8(dp)), s, acc[i]);
            offset[i] = _mm256_fmadd_ps(dw, _mm256_loadu_ps((const float *) a[i].sums + b), offset[i]);
        }
#endif
    }
    for (; b < nb; b++) {
        const uint8_t *blk = row + 18 * b;
        float dw = f16(blk);
        __m256i u = q4_0_unpack(blk);
        for (int i = 0; i < nt; i++) {
            __m256i dp = DPBUSD(_mm256_setzero_si256(), u, load256(a[i].q + 32 * b));
            acc[i] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(dp), _mm256_set1_ps(dw * a[i].d[b]), acc[i]);
            tail[i] += dw * ((const float *) a[i].sums)[b];
        }
    }
    for (int i = 0; i < nt; i++) out[i] = hsum(acc[i]) - 8 * (hsum(offset[i]) + tail[i]);
}

/* ---- Q8_0: 34 bytes per 32: f16 d, 32 int8. |w| as the unsigned side, a·sign(w) as the signed one; eight
 * blocks at a time as for Q4_0. ---- */
INLINE void q8_0_rows(const uint8_t *row, int n, const act *a, const int nt, float *out) {
    __m256 acc[GROUP];
    for (int i = 0; i < nt; i++) acc[i] = _mm256_setzero_ps();
    const int nb = n / 32;
    int b = 0;
    for (; b + 8 <= nb; b += 8) {
        const uint8_t *blk = row + 34 * b;
        prefetch_ahead(blk, 34 * 8);
        __m256 dw = scales8(blk, 34);
#if defined(HY_ISA_AVX512VNNI)
        /* |w| unsigned, and a negated where w < 0 (a byte mask: AVX-512 has no vpsignb) */
        __m512i u[4];
        __mmask64 negative[4];
        for (int p = 0; p < 4; p++) {
            __m512i wv = join256(load256(blk + 68 * p + 2), load256(blk + 68 * p + 36));
            u[p] = _mm512_abs_epi8(wv);
            negative[p] = _mm512_movepi8_mask(wv);
        }
        __m256 dwp = _mm256_permutexvar_ps(PAIR_ORDER, dw);
        for (int i = 0; i < nt; i++) {
            __m512i dp[4];
            for (int p = 0; p < 4; p++) {
                __m512i av = _mm512_loadu_si512(a[i].q + 32 * (b + 2 * p));
                __m512i sv = _mm512_mask_sub_epi8(av, negative[p], _mm512_setzero_si512(), av);
                dp[p] = _mm512_dpbusd_epi32(_mm512_setzero_si512(), u[p], sv);
            }
            __m256 s = _mm256_mul_ps(dwp, _mm256_permutexvar_ps(PAIR_ORDER, _mm256_loadu_ps(a[i].d + b)));
            acc[i] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(sum8_pairs(dp)), s, acc[i]);
        }
#else
        __m256i wv[8], u[8];
        for (int j = 0; j < 8; j++) wv[j] = load256(blk + 34 * j + 2), u[j] = _mm256_sign_epi8(wv[j], wv[j]);
        for (int i = 0; i < nt; i++) {
            __m256i dp[8];
            for (int j = 0; j < 8; j++) {
                dp[j] = DPBUSD(_mm256_setzero_si256(), u[j], _mm256_sign_epi8(load256(a[i].q + 32 * (b + j)), wv[j]));
            }
            __m256 s = _mm256_mul_ps(dw, _mm256_loadu_ps(a[i].d + b));
            acc[i] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(sum8(dp)), s, acc[i]);
        }
#endif
    }
    for (; b < nb; b++) {
        const uint8_t *blk = row + 34 * b;
        float dw = f16(blk);
        __m256i wv = load256(blk + 2);
        __m256i u = _mm256_sign_epi8(wv, wv);
        for (int i = 0; i < nt; i++) {
            __m256i s = _mm256_sign_epi8(load256(a[i].q + 32 * b), wv);
            __m256i dp = DPBUSD(_mm256_setzero_si256(), u, s);
            acc[i] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(dp), _mm256_set1_ps(dw * a[i].d[b]), acc[i]);
        }
    }
    for (int i = 0; i < nt; i++) out[i] = hsum(acc[i]);
}

/*
 * The eight 6-bit scales (bytes 0-7) and mins (bytes 8-15) of a Q4_K/Q5_K super-block, from its 12 packed bytes
 * (ggml's get_scale_min_k4: scales 0-3 and mins 0-3 in the low 6 bits of bytes 0-3 and 4-7; scales and mins 4-7
 * from the nibbles of bytes 8-11 and the top 2 bits of bytes 0-3 and 4-7). Word arithmetic, no byte stores (a
 * vector load of freshly stored bytes would stall on store forwarding).
 */
INLINE __m128i k4_scales(const uint8_t *s) {
    uint32_t w0, w1, w2;
    memcpy(&w0, s, 4);
    memcpy(&w1, s + 4, 4);
    memcpy(&w2, s + 8, 4);
    const uint32_t low6 = 0x3f3f3f3f, low4 = 0x0f0f0f0f, low2 = 0x03030303;
    uint32_t sc_lo = w0 & low6, sc_hi = (w2 & low4) | (((w0 >> 6) & low2) << 4);
    uint32_t mn_lo = w1 & low6, mn_hi = ((w2 >> 4) & low4) | (((w1 >> 6) & low2) << 4);
    return _mm_setr_epi32((int) sc_lo, (int) sc_hi, (int) mn_lo, (int) mn_hi);
}

/*
 * ---- Q4_K (144 bytes per 256: f16 d, f16 dmin, 12 scale bytes, 128 nibble bytes) and Q5_K (176: the same
 * header, 32 bytes of fifth bits, then the nibbles). w = d·sc·q − dmin·m per 32-value sub-block; each 32 nibble
 * bytes hold sub-block 2k (low) and 2k+1 (high); Q5_K's bit 2k / 2k+1 of qh[l] adds 16. ----
 */
INLINE void k4_rows(const uint8_t *row, int n, const act *a, const int nt, float *out, const int five) {
    const __m256i m4 = _mm256_set1_epi8(0x0f), one = _mm256_set1_epi8(1);
    const __m128i pairs = _mm_setr_epi8(8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13, 14, 14, 15, 15);
    const int block_bytes = five ? 176 : 144, qs_at = five ? 48 : 16;
    __m256 acc[GROUP];
    for (int i = 0; i < nt; i++) acc[i] = _mm256_setzero_ps();
    for (int b = 0; b < n / 256; b++) {
        const uint8_t *blk = row + (int64_t) block_bytes * b;
        float dw = f16(blk), dmin = f16(blk + 2);
        __m128i scales = k4_scales(blk + 4);
        __m256i scb = _mm256_broadcastsi128_si256(scales);
        __m256i mins = _mm256_cvtepu8_epi16(_mm_shuffle_epi8(scales, pairs)); /* m0 m0 m1 m1 ... per 16 */
        __m256i isum[GROUP];
        for (int i = 0; i < nt; i++) isum[i] = _mm256_setzero_si256();
        __m256i qh = five ? load256(blk + 16) : _mm256_setzero_si256();
        for (int k = 0; k < 4; k++) {
            __m256i raw = load256(blk + qs_at + 32 * k);
            __m256i lo = _mm256_and_si256(raw, m4), hi = _mm256_and_si256(_mm256_srli_epi16(raw, 4), m4);
            if (five) {
                lo = _mm256_or_si256(lo, _mm256_slli_epi16(_mm256_and_si256(qh, one), 4));
                hi = _mm256_or_si256(hi, _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 1), one), 4));
                qh = _mm256_srli_epi16(qh, 2);
            }
            __m256i s_lo = byte_as_i16(scb, 2 * k), s_hi = byte_as_i16(scb, 2 * k + 1);
            for (int i = 0; i < nt; i++) {
                const int8_t *aq = a[i].q + 256 * b + 64 * k;
                isum[i] = _mm256_add_epi32(isum[i], SCALED_DOT(lo, load256(aq), s_lo));
                isum[i] = _mm256_add_epi32(isum[i], SCALED_DOT(hi, load256(aq + 32), s_hi));
            }
        }
        for (int i = 0; i < nt; i++) {
            float da = a[i].d[b];
            __m256i bsums = load256((const int16_t *) a[i].sums + 16 * b);
            __m256 m = _mm256_cvtepi32_ps(_mm256_madd_epi16(bsums, mins));
            acc[i] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(isum[i]), _mm256_set1_ps(dw * da), acc[i]);
            acc[i] = _mm256_fnmadd_ps(m, _mm256_set1_ps(dmin * da), acc[i]);
        }
    }
    for (int i = 0; i < nt; i++) out[i] = hsum(acc[i]);
}

INLINE void q4_k_rows(const uint8_t *row, int n, const act *a, const int nt, float *out) { k4_rows(row, n, a, nt, out, 0); }
INLINE void q5_k_rows(const uint8_t *row, int n, const act *a, const int nt, float *out) { k4_rows(row, n, a, nt, out, 1); }

/*
 * ---- Q6_K: 210 bytes per 256: 128 bytes low nibbles, 64 bytes high 2-bit pairs, 16 int8 scales (one per 16
 * values), f16 d last. w = d·sc·(q − 32); the −32 is taken out with the activations' sums per 16. ----
 */
INLINE void q6_k_rows(const uint8_t *row, int n, const act *a, const int nt, float *out) {
    const __m256i m4 = _mm256_set1_epi8(0x0f), m3 = _mm256_set1_epi8(3);
    __m256 acc[GROUP];
    for (int i = 0; i < nt; i++) acc[i] = _mm256_setzero_ps();
    for (int b = 0; b < n / 256; b++) {
        const uint8_t *blk = row + 210 * b;
        float dw = f16(blk + 208);
        __m128i sc8 = _mm_loadu_si128((const __m128i *) (blk + 192));
        __m256i scb = _mm256_broadcastsi128_si256(sc8);
        __m256i sc16 = _mm256_cvtepi8_epi16(sc8);
        __m256i isum[GROUP];
        for (int i = 0; i < nt; i++) {
            /* the offset: −32 · Σ_g sc_g · Σ(activations of group g) */
            __m256i bsums = load256((const int16_t *) a[i].sums + 16 * b);
            isum[i] = _mm256_sub_epi32(_mm256_setzero_si256(), _mm256_slli_epi32(_mm256_madd_epi16(bsums, sc16), 5));
        }
        for (int h = 0; h < 2; h++) {
            __m256i ql0 = load256(blk + 64 * h), ql1 = load256(blk + 64 * h + 32), qh = load256(blk + 128 + 32 * h);
            for (int g = 0; g < 4; g++) {
                __m256i low = _mm256_and_si256(g & 2 ? _mm256_srli_epi16(g & 1 ? ql1 : ql0, 4) : (g & 1 ? ql1 : ql0), m4);
                __m256i high = _mm256_slli_epi16(_mm256_and_si256(qh, m3), 4);
                qh = _mm256_srli_epi16(qh, 2);
                __m256i u = _mm256_or_si256(low, high);
                int G = 4 * h + g; /* values 32G .. 32G+31, scales 2G and 2G+1 (sign-extended from the high byte) */
                __m256i scale = _mm256_srai_epi16(_mm256_shuffle_epi8(scb, _mm256_set_m128i(
                        _mm_set1_epi16((short) (((2 * G + 1) << 8) | 0x80)), _mm_set1_epi16((short) (((2 * G) << 8) | 0x80)))), 8);
                for (int i = 0; i < nt; i++) {
                    isum[i] = _mm256_add_epi32(isum[i], SCALED_DOT(u, load256(a[i].q + 256 * b + 32 * G), scale));
                }
            }
        }
        for (int i = 0; i < nt; i++) {
            acc[i] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(isum[i]), _mm256_set1_ps(dw * a[i].d[b]), acc[i]);
        }
    }
    for (int i = 0; i < nt; i++) out[i] = hsum(acc[i]);
}

/*
 * ---- IQ4_XS: 136 bytes per 256: f16 d, u16 high scale bits, 4 bytes low scale nibbles, 128 nibble bytes (16 per
 * 32-value sub-block: low nibbles values 0-15, high 16-31). w = d·(ls − 32)·kvalues[q]. ----
 */
INLINE void iq4_xs_rows(const uint8_t *row, int n, const act *a, const int nt, float *out) {
    const __m256i m4 = _mm256_set1_epi8(0x0f);
    const __m256i values = _mm256_setr_epi8(-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113,
            -127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113);
    __m256 acc[GROUP];
    for (int i = 0; i < nt; i++) acc[i] = _mm256_setzero_ps();
    for (int b = 0; b < n / 256; b++) {
        const uint8_t *blk = row + 136 * b;
        float dw = f16(blk);
        uint16_t sh;
        memcpy(&sh, blk + 2, 2);
        __m256i isum[GROUP];
        for (int i = 0; i < nt; i++) isum[i] = _mm256_setzero_si256();
        /* ls_j − 32 as signed bytes 0-7: nibble j of the 4 low-scale bytes, plus bits 2j, 2j+1 of sh times 16 */
        uint32_t sl;
        memcpy(&sl, blk + 4, 4);
        __m128i nib = _mm_cvtsi32_si128((int) sl);
        nib = _mm_unpacklo_epi8(_mm_and_si128(nib, _mm_set1_epi8(0x0f)), _mm_and_si128(_mm_srli_epi16(nib, 4), _mm_set1_epi8(0x0f)));
        uint64_t high = 0;
        for (int j = 0; j < 8; j++) high |= (uint64_t) ((sh >> (2 * j)) & 3) << (8 * j + 4);
        __m128i ls = _mm_sub_epi8(_mm_or_si128(nib, _mm_cvtsi64_si128((long long) high)), _mm_set1_epi8(32));
        __m256i lsb = _mm256_broadcastsi128_si256(ls);
        for (int j = 0; j < 8; j++) {
            /* the signed byte j into the high byte of every 16-bit lane, then shifted down with its sign */
            __m256i scale = _mm256_srai_epi16(_mm256_shuffle_epi8(lsb, _mm256_set1_epi16((short) ((j << 8) | 0x80))), 8);
            __m128i raw = _mm_loadu_si128((const __m128i *) (blk + 8 + 16 * j));
            __m256i v = _mm256_shuffle_epi8(values, _mm256_and_si256(_mm256_setr_m128i(raw, _mm_srli_epi16(raw, 4)), m4));
            __m256i u = _mm256_sign_epi8(v, v);
            for (int i = 0; i < nt; i++) {
                __m256i s = _mm256_sign_epi8(load256(a[i].q + 256 * b + 32 * j), v);
                isum[i] = _mm256_add_epi32(isum[i], SCALED_DOT(u, s, scale));
            }
        }
        for (int i = 0; i < nt; i++) {
            acc[i] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(isum[i]), _mm256_set1_ps(dw * a[i].d[b]), acc[i]);
        }
    }
    for (int i = 0; i < nt; i++) out[i] = hsum(acc[i]);
}

/*
 * The exported product for one type: rows in tiles, tokens in groups, the group size a constant in each call of
 * the row function so that its token loops unroll.
 */
#define HY_PRODUCT(name, BLOCK, SUMS_PER_BLOCK)                                                                        \
    void HY_CAT(hy_##name, HY_ISA)(HY_PRODUCT_ARGS) {                                                                  \
        int64_t tile = 16384 / row_bytes;                                                                              \
        if (tile < 1) tile = 1;                                                                                        \
        for (int64_t rs = r0; rs < r1; rs += tile) {                                                                   \
            int64_t re = rs + tile < r1 ? rs + tile : r1;                                                              \
            for (int t0 = 0; t0 < tokens; t0 += GROUP) {                                                               \
                int nt = tokens - t0 < GROUP ? tokens - t0 : GROUP;                                                    \
                act a[GROUP];                                                                                          \
                for (int i = 0; i < nt; i++) a[i] = token(q, d, sums, n, BLOCK, SUMS_PER_BLOCK, t0 + i);               \
                for (int64_t r = rs; r < re; r++) {                                                                    \
                    const uint8_t *rowp = w + r * row_bytes;                                                           \
                    float out[GROUP];                                                                                  \
                    switch (nt) {                                                                                      \
                        case 1: name##_rows(rowp, n, a, 1, out); break;                                                \
                        case 2: name##_rows(rowp, n, a, 2, out); break;                                                \
                        case 3: name##_rows(rowp, n, a, 3, out); break;                                                \
                        default: name##_rows(rowp, n, a, 4, out); break;                                               \
                    }                                                                                                  \
                    for (int i = 0; i < nt; i++) y[(int64_t) (t0 + i) * y_stride + r] = out[i];                        \
                }                                                                                                      \
            }                                                                                                          \
        }                                                                                                              \
    }

/* Sums: Q4_0 one float (d·Σq) per 32; the 256-block types sixteen int16 (Σq per 16), 32 bytes. */
HY_PRODUCT(q4_0, 32, 4)
HY_PRODUCT(q8_0, 32, 0)
HY_PRODUCT(q4_k, 256, 32)
HY_PRODUCT(q5_k, 256, 32)
HY_PRODUCT(q6_k, 256, 32)
HY_PRODUCT(iq4_xs, 256, 0)
