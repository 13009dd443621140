/*
 * hy's native CPU kernels: quantized weight rows times 8-bit activations, called from Java through the FFM API
 * (hy.runtime.cpu.NativeKernels). The Java side validates every argument before a call; these functions trust them.
 *
 * Every product has one signature:
 *   y[t * y_stride + r] = dot(row r of w, token t of the activations)   for r in [r0, r1), t in [0, tokens)
 * w points at row 0 of the matrix (rows of row_bytes bytes, n weights each, in the GGUF block layout). The
 * activations are one int8 vector of n values per token (q, token-major) with one float scale per block (d) and,
 * for the types that need them, sums: 32-block types (Q4_0, Q8_0) get d·Σq per 32 as floats; 256-block types (Q4_K,
 * Q5_K, Q6_K, IQ4_XS) get Σq per 16 as int16.
 *
 * Interleaved ("R16") layouts, made at load time with -rtr (hy.runtime.cpu.Interleaved): rows in groups of 16 (the
 * last one padded with zero rows); a group holds the 16 rows' block b together: first their 16 f16 scales, then
 * chunks of 16 rows × 4 bytes: Q4_0_R16 has 4 chunks per block (chunk k: the file's nibble bytes 4k..4k+3 of each
 * row, i.e. values 4k..4k+3 low and 16+4k.. high), Q8_0_R16 8 chunks (chunk k: values 4k..4k+3, each q ^ 0x80).
 * Q4_K_R16 (made by hy_pack_q4_kr_*, layout in interleaved.c) holds per 256-block and group 16×8 float scales,
 * 16×8 float mins and the nibbles in 32 chunks; its products take the activations' sums as d·Σq per 32 (float).
 * The Q4_0/Q8_0 products take the activations' sums as int16 Σq per 32; r0 must be a multiple of 16. The "b" products
 * (hy_q4_0b_, hy_q8_0b_) take the file's layout and interleave 16 rows at a time into scratch: for batches;
 * they return 0, or -1 when the scratch could not be allocated.
 *
 * The kernels are compiled once per instruction set (suffix _avx2, _avxvnni, _avx512vnni); hy_cpu_features says which
 * this CPU and OS allow. No threads here: the caller splits rows over its own pool.
 */
#ifndef HY_CPU_H
#define HY_CPU_H
#include <stdint.h>

#define HY_CPU_AVX2 1          /* AVX2 + FMA + F16C, OS saves YMM state */
#define HY_CPU_AVXVNNI 2       /* AVX-VNNI (VEX vpdpbusd) */
#define HY_CPU_AVX512VNNI 4    /* AVX-512 F/BW/VL/VNNI, OS saves ZMM state */
#define HY_CPU_AMX_FLAGS 8     /* CPUID lists AMX-TILE and AMX-INT8 */
#define HY_CPU_AMX_GRANTED 16  /* ...and the kernel granted tile-data state (arch_prctl) */

int32_t hy_cpu_features(void);
/* Version of the ABI below; Java refuses a library whose version differs. */
int32_t hy_cpu_abi(void);

#define HY_PRODUCT_ARGS const uint8_t *w, int64_t row_bytes, int32_t n, int32_t r0, int32_t r1, \
    const int8_t *q, const float *d, const void *sums, int32_t tokens, float *y, int64_t y_stride

#define HY_DECLARE(isa) \
    void hy_q4_0_##isa(HY_PRODUCT_ARGS); \
    void hy_q8_0_##isa(HY_PRODUCT_ARGS); \
    void hy_q4_k_##isa(HY_PRODUCT_ARGS); \
    void hy_q5_k_##isa(HY_PRODUCT_ARGS); \
    void hy_q6_k_##isa(HY_PRODUCT_ARGS); \
    void hy_iq4_xs_##isa(HY_PRODUCT_ARGS); \
    void hy_q4_0r_##isa(HY_PRODUCT_ARGS); \
    void hy_q8_0r_##isa(HY_PRODUCT_ARGS); \
    int32_t hy_q4_0b_##isa(HY_PRODUCT_ARGS); \
    int32_t hy_q8_0b_##isa(HY_PRODUCT_ARGS); \
    void hy_q4_kr_##isa(HY_PRODUCT_ARGS); \
    int32_t hy_q4_kb_##isa(HY_PRODUCT_ARGS); \
    void hy_pack_q4_kr_##isa(const uint8_t *w, int64_t row_bytes, int32_t n, int32_t r0, int32_t r1, uint8_t *dst);

/* Activations to 8 bits (see quantize.c): count values in blocks of 32 or 256. For 32: d, dsum32 (d·Σq) and sum32
 * (Σq) per block; for 256: d per block and sum16 (Σq per 16). Pointers of the other form are not touched. */
#define HY_DECLARE_QUANTIZE(isa) \
    void hy_quantize_##isa(const float *x, int64_t count, int32_t block, int8_t *q, float *d, float *dsum32, \
        int16_t *sum32, int16_t *sum16);
HY_DECLARE_QUANTIZE(avx2)
HY_DECLARE_QUANTIZE(avxvnni)
HY_DECLARE_QUANTIZE(avx512vnni)

HY_DECLARE(avx2)
HY_DECLARE(avxvnni)
HY_DECLARE(avx512vnni)

#endif
