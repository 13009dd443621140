// Weight formats as decoders of 32-weight "units". Every ggml block type splits into units of 32 consecutive weights
// (a legacy block is one unit, a 256-weight K-quant super-block eight), so one kernel template walks any row in units
// and asks the format type to decode unit `sub` of a block into 32 floats, in row order. The float types are "blocks"
// of 32 weights too. Decoded values equal the Java codecs' (hy.runtime.quant) bit for bit: products are rounded before
// sums exactly where the Java code rounds them (mul_rn/add_rn), which host_decode_check verifies on the CPU.
//
// A format type provides:
//   QK     weights per block;      BYTES  bytes per block;      UNITS = QK / 32
//   decode(const uint8_t* block, int sub, float out[32])
#pragma once

#include "common.cuh"

namespace hy {

constexpr int UNIT = 32;

// ---- float rows ---------------------------------------------------------------------------------------------------

struct F32 {
    static constexpr int QK = 32, BYTES = 128, UNITS = 1;
    static HY_HD void decode(const uint8_t* b, int, float* out) {
        const float* p = reinterpret_cast<const float*>(b);
#pragma unroll
        for (int j = 0; j < 32; j++) out[j] = p[j];
    }
};

struct F16 {
    static constexpr int QK = 32, BYTES = 64, UNITS = 1;
    static HY_HD void decode(const uint8_t* b, int, float* out) {
        const uint16_t* p = reinterpret_cast<const uint16_t*>(b);
#pragma unroll
        for (int j = 0; j < 32; j++) out[j] = half_bits_to_float(p[j]);
    }
};

struct BF16 {
    static constexpr int QK = 32, BYTES = 64, UNITS = 1;
    static HY_HD void decode(const uint8_t* b, int, float* out) {
        const uint16_t* p = reinterpret_cast<const uint16_t*>(b);
#pragma unroll
        for (int j = 0; j < 32; j++) out[j] = bf16_bits_to_float(p[j]);
    }
};

// ---- legacy 32-weight blocks --------------------------------------------------------------------------------------

// Q4_0, Q4_1, Q5_0, Q5_1: half d, [half m], [u32 fifth bits], 16 bytes of nibbles; weight j in the low nibble of
// byte j, weight j+16 in the high nibble. Symmetric types subtract 2^(bits-1); the "_1" types compute q*d + m.
template <bool FIFTH_BIT, bool HAS_MIN>
struct LegacyNibble {
    static constexpr int QH = HAS_MIN ? 4 : 2;
    static constexpr int QS = QH + (FIFTH_BIT ? 4 : 0);
    static constexpr int QK = 32, BYTES = QS + 16, UNITS = 1;
    static HY_HD void decode(const uint8_t* b, int, float* out) {
        const float d = half_bits_to_float(load_u16(b));
        const float m = HAS_MIN ? half_bits_to_float(load_u16(b + 2)) : 0.f;
        const uint32_t qh = FIFTH_BIT ? load_u32_2aligned(b + QH) : 0u;
        const int bias = HAS_MIN ? 0 : (FIFTH_BIT ? 16 : 8);
#pragma unroll
        for (int j = 0; j < 16; j++) {
            const uint32_t q = b[QS + j];
            const int q0 = (int)((q & 0xFu) | (((qh >> j) & 1u) << 4));
            const int q1 = (int)((q >> 4) | (((qh >> (j + 16)) & 1u) << 4));
            if (HAS_MIN) {
                out[j] = add_rn(mul_rn((float)q0, d), m);
                out[j + 16] = add_rn(mul_rn((float)q1, d), m);
            } else {
                out[j] = mul_rn((float)(q0 - bias), d);
                out[j + 16] = mul_rn((float)(q1 - bias), d);
            }
        }
    }
};

using Q4_0 = LegacyNibble<false, false>;
using Q4_1 = LegacyNibble<false, true>;
using Q5_0 = LegacyNibble<true, false>;
using Q5_1 = LegacyNibble<true, true>;

struct Q8_0 {
    static constexpr int QK = 32, BYTES = 34, UNITS = 1;
    static HY_HD void decode(const uint8_t* b, int, float* out) {
        const float d = half_bits_to_float(load_u16(b));
#pragma unroll
        for (int j = 0; j < 32; j++) out[j] = mul_rn((float)(int8_t)b[2 + j], d);
    }
};

// The 16-level non-linear table of IQ4_NL and IQ4_XS.
HY_HD float iq4nl_value(int i) {
    constexpr int8_t V[16] = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};
    return (float)V[i];
}

HY_HD void decode_iq4_32(const uint8_t* qs, float scale, float* out) {
#pragma unroll
    for (int j = 0; j < 16; j++) {
        const uint32_t q = qs[j];
        out[j] = mul_rn(scale, iq4nl_value(q & 0xF));
        out[j + 16] = mul_rn(scale, iq4nl_value(q >> 4));
    }
}

struct IQ4_NL {
    static constexpr int QK = 32, BYTES = 18, UNITS = 1;
    static HY_HD void decode(const uint8_t* b, int, float* out) {
        decode_iq4_32(b + 2, half_bits_to_float(load_u16(b)), out);
    }
};

// ---- K-quants (256-weight super-blocks, 8 units each) -------------------------------------------------------------

// Q4_K, Q5_K: half d, half dmin, 12 bytes of 6-bit scales and mins, [32 bytes of fifth bits], 128 nibble bytes where
// each 64 weights share 32 bytes (low nibbles = first 32). Weight = d*sc*q - dmin*m.
template <bool FIFTH_BIT>
struct ScaleMinK {
    static constexpr int QK = 256, BYTES = FIFTH_BIT ? 176 : 144, UNITS = 8;
    static constexpr int QS = 16 + (FIFTH_BIT ? 32 : 0);
    static HY_HD int scale(const uint8_t* s, int j) {
        return j < 4 ? (s[j] & 63) : ((s[j + 4] & 0xF) | ((s[j - 4] >> 6) << 4));
    }
    static HY_HD int min(const uint8_t* s, int j) {
        return j < 4 ? (s[j + 4] & 63) : ((s[j + 4] >> 4) | ((s[j] >> 6) << 4));
    }
    static HY_HD void decode(const uint8_t* b, int is, float* out) {
        const float d = half_bits_to_float(load_u16(b));
        const float dmin = half_bits_to_float(load_u16(b + 2));
        const float dl = mul_rn(d, (float)scale(b + 4, is));
        const float ml = mul_rn(dmin, (float)min(b + 4, is));
        const uint8_t* ql = b + QS + 32 * (is / 2);
        const int shift = 4 * (is % 2);
#pragma unroll
        for (int l = 0; l < 32; l++) {
            int q = (ql[l] >> shift) & 0xF;
            if (FIFTH_BIT) q += ((b[16 + l] >> is) & 1) << 4;
            out[l] = sub_rn(mul_rn(dl, (float)q), ml);
        }
    }
};

using Q4_K = ScaleMinK<false>;
using Q5_K = ScaleMinK<true>;

// Q6_K: 128 bytes of low nibbles, 64 bytes of high 2-bit pairs, 16 signed 8-bit scales (one per 16 weights), half d.
// Unit u covers weights 32u..32u+31: half h = u/4 (128 weights), r = u%4 picks the nibble/bit-pair lane.
struct Q6_K {
    static constexpr int QK = 256, BYTES = 210, UNITS = 8;
    static HY_HD void decode(const uint8_t* b, int u, float* out) {
        const int h = u / 4, r = u % 4;
        const uint8_t* ql = b + 64 * h + 32 * (r & 1);
        const uint8_t* qh = b + 128 + 32 * h;
        const int8_t* sc = reinterpret_cast<const int8_t*>(b + 192 + 8 * h);
        const float d = half_bits_to_float(load_u16(b + 208));
        const int lowShift = 4 * (r >> 1), highShift = 2 * r;
        const float d0 = mul_rn(d, (float)sc[2 * r]), d1 = mul_rn(d, (float)sc[2 * r + 1]);
#pragma unroll
        for (int l = 0; l < 32; l++) {
            const int q = (int)(((ql[l] >> lowShift) & 0xF) | (((qh[l] >> highShift) & 3) << 4)) - 32;
            out[l] = mul_rn(l < 16 ? d0 : d1, (float)q);
        }
    }
};

// IQ4_XS: half d, u16 high scale bits, 4 bytes of low scale nibbles, 128 bytes of table indices (16 per unit).
struct IQ4_XS {
    static constexpr int QK = 256, BYTES = 136, UNITS = 8;
    static HY_HD void decode(const uint8_t* b, int ib, float* out) {
        const float d = half_bits_to_float(load_u16(b));
        const uint32_t scalesH = load_u16(b + 2);
        const int ls = (int)(((b[4 + ib / 2] >> (4 * (ib % 2))) & 0xF) | (((scalesH >> (2 * ib)) & 3) << 4));
        decode_iq4_32(b + 8 + 16 * ib, mul_rn(d, (float)(ls - 32)), out);
    }
};

// Decodes unit `u` of a row (u = block * UNITS + sub).
template <class B>
HY_HD void decode_unit(const uint8_t* row, int u, float* out) {
    B::decode(row + (long)(u / B::UNITS) * B::BYTES, u % B::UNITS, out);
}

}  // namespace hy

// Every weight format with its kernel-name suffix. Modules instantiate their templates with
//   #define X(name, Type) ...   HY_FOR_EACH_WEIGHT_FORMAT(X)
// The Java side (hy.cuda.kernels.WeightFormat) lists the same suffixes.
#define HY_FOR_EACH_WEIGHT_FORMAT(X) \
    X(f32, hy::F32)                  \
    X(f16, hy::F16)                  \
    X(bf16, hy::BF16)                \
    X(q4_0, hy::Q4_0)                \
    X(q4_1, hy::Q4_1)                \
    X(q5_0, hy::Q5_0)                \
    X(q5_1, hy::Q5_1)                \
    X(q8_0, hy::Q8_0)                \
    X(iq4_nl, hy::IQ4_NL)            \
    X(q4_k, hy::Q4_K)                \
    X(q5_k, hy::Q5_K)                \
    X(q6_k, hy::Q6_K)                \
    X(iq4_xs, hy::IQ4_XS)
