package hy.runtime.quant;

import hy.runtime.tensor.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * Dequantizers for ggml's lattice i-quants (IQ2_XXS, IQ2_XS, IQ2_S, IQ3_XXS, IQ3_S, IQ1_S), following
 * dequantize_row_iq* in ggml-quants.c. Every type uses 256-weight super-blocks whose groups of 8 (or 4) weights are
 * grid points from {@link IQGrids}; signs come from explicit bits or from the 7-bit ksigns code. Only decoding is
 * offered: these types are worth producing only with an importance matrix (ggml refuses IQ2_XXS, IQ2_XS and IQ1_S
 * without one), which this runtime does not compute.
 */
final class IQGridCodecs {
    private IQGridCodecs() {}

    private static final int QK_K = 256;

    /** Writes {@code count} grid coordinates times {@code scale}, negated where bit j of {@code signs} is set. */
    private static void emit(float[] dst, int y, byte[] grid, int gridOffset, int count, float scale, int signs, int firstBit) {
        for (int j = 0; j < count; j++) {
            float v = scale * grid[gridOffset + j];
            dst[y + j] = ((signs >>> (firstBit + j)) & 1) != 0 ? -v : v;
        }
    }

    private abstract static class Base implements QuantCodec {
        private final GgmlType type;

        Base(GgmlType type) {
            this.type = type;
        }

        @Override
        public GgmlType type() {
            return type;
        }

        @Override
        public void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
            for (int b = 0; b < n / QK_K; b++) block(src, offset + (long) b * type.blockBytes, dst, dstOffset + b * QK_K);
        }

        abstract void block(MemorySegment s, long blk, float[] dst, int y);
    }

    /** IQ2_XXS: half d, then per 32 weights two u32: four 8-bit grid indices, and 4×7 sign bits plus a 4-bit scale. */
    static final class IQ2_XXS extends Base {
        IQ2_XXS() {
            super(GgmlType.IQ2_XXS);
        }

        @Override
        void block(MemorySegment s, long blk, float[] dst, int y) {
            float d = BlockBytes.f16(s, blk);
            for (int ib = 0; ib < 8; ib++) {
                int grids = BlockBytes.u32(s, blk + 2 + 8 * ib);
                int aux = BlockBytes.u32(s, blk + 6 + 8 * ib);
                float db = d * (0.5f + (aux >>> 28)) * 0.25f;
                for (int l = 0; l < 4; l++) {
                    int idx = (grids >>> (8 * l)) & 0xFF;
                    int signs = IQGrids.KSIGNS[(aux >>> (7 * l)) & 127];
                    emit(dst, y + 32 * ib + 8 * l, IQGrids.IQ2XXS, idx * 8, 8, db, signs, 0);
                }
            }
        }
    }

    /** IQ2_XS: half d, 32 u16 (9-bit grid index, 7-bit sign code), 8 bytes of two 4-bit scales per 32 weights. */
    static final class IQ2_XS extends Base {
        IQ2_XS() {
            super(GgmlType.IQ2_XS);
        }

        @Override
        void block(MemorySegment s, long blk, float[] dst, int y) {
            float d = BlockBytes.f16(s, blk);
            for (int ib = 0; ib < 8; ib++) {
                int sc = BlockBytes.u8(s, blk + 66 + ib);
                float db0 = d * (0.5f + (sc & 0xF)) * 0.25f;
                float db1 = d * (0.5f + (sc >>> 4)) * 0.25f;
                for (int l = 0; l < 4; l++) {
                    int q = BlockBytes.u16(s, blk + 2 + 2 * (4 * ib + l));
                    int signs = IQGrids.KSIGNS[q >>> 9];
                    emit(dst, y + 32 * ib + 8 * l, IQGrids.IQ2XS, (q & 511) * 8, 8, l < 2 ? db0 : db1, signs, 0);
                }
            }
        }
    }

    /** IQ2_S: half d, 32 low index bytes, 32 explicit sign bytes, 8 bytes of high index bits, 8 scale bytes. */
    static final class IQ2_S extends Base {
        IQ2_S() {
            super(GgmlType.IQ2_S);
        }

        @Override
        void block(MemorySegment s, long blk, float[] dst, int y) {
            float d = BlockBytes.f16(s, blk);
            for (int ib = 0; ib < 8; ib++) {
                int sc = BlockBytes.u8(s, blk + 74 + ib);
                float db0 = d * (0.5f + (sc & 0xF)) * 0.25f;
                float db1 = d * (0.5f + (sc >>> 4)) * 0.25f;
                int qh = BlockBytes.u8(s, blk + 66 + ib);
                for (int l = 0; l < 4; l++) {
                    int idx = BlockBytes.u8(s, blk + 2 + 4 * ib + l) | ((qh << (8 - 2 * l)) & 0x300);
                    int signs = BlockBytes.u8(s, blk + 34 + 4 * ib + l);
                    emit(dst, y + 32 * ib + 8 * l, IQGrids.IQ2S, idx * 8, 8, l < 2 ? db0 : db1, signs, 0);
                }
            }
        }
    }

    /** IQ3_XXS: half d, 64 grid-index bytes (4 weights each), then per 32 weights a u32 of 4×7 sign bits and a scale. */
    static final class IQ3_XXS extends Base {
        IQ3_XXS() {
            super(GgmlType.IQ3_XXS);
        }

        @Override
        void block(MemorySegment s, long blk, float[] dst, int y) {
            float d = BlockBytes.f16(s, blk);
            for (int ib = 0; ib < 8; ib++) {
                int aux = BlockBytes.u32(s, blk + 66 + 4 * ib);
                float db = d * (0.5f + (aux >>> 28)) * 0.5f;
                for (int l = 0; l < 4; l++) {
                    int signs = IQGrids.KSIGNS[(aux >>> (7 * l)) & 127];
                    int g1 = BlockBytes.u8(s, blk + 2 + 8 * ib + 2 * l);
                    int g2 = BlockBytes.u8(s, blk + 2 + 8 * ib + 2 * l + 1);
                    int at = y + 32 * ib + 8 * l;
                    emit(dst, at, IQGrids.IQ3XXS, g1 * 4, 4, db, signs, 0);
                    emit(dst, at + 4, IQGrids.IQ3XXS, g2 * 4, 4, db, signs, 4);
                }
            }
        }
    }

    /** IQ3_S: half d, 64 low index bytes, 8 bytes of ninth index bits, 32 sign bytes, 4 bytes of 4-bit scales. */
    static final class IQ3_S extends Base {
        IQ3_S() {
            super(GgmlType.IQ3_S);
        }

        @Override
        void block(MemorySegment s, long blk, float[] dst, int y) {
            float d = BlockBytes.f16(s, blk);
            for (int ib = 0; ib < 8; ib++) {
                int sc = BlockBytes.u8(s, blk + 106 + ib / 2);
                float db = d * (1 + 2 * ((ib & 1) == 0 ? sc & 0xF : sc >>> 4));
                int qh = BlockBytes.u8(s, blk + 66 + ib);
                for (int l = 0; l < 4; l++) {
                    int g1 = BlockBytes.u8(s, blk + 2 + 8 * ib + 2 * l) | ((qh << (8 - 2 * l)) & 256);
                    int g2 = BlockBytes.u8(s, blk + 2 + 8 * ib + 2 * l + 1) | ((qh << (7 - 2 * l)) & 256);
                    int signs = BlockBytes.u8(s, blk + 74 + 4 * ib + l);
                    int at = y + 32 * ib + 8 * l;
                    emit(dst, at, IQGrids.IQ3S, g1 * 4, 4, db, signs, 0);
                    emit(dst, at + 4, IQGrids.IQ3S, g2 * 4, 4, db, signs, 4);
                }
            }
        }
    }

    /**
     * IQ1_S: half d, 32 low index bytes, 8 u16 each holding four 3-bit high index parts, a 3-bit scale and the sign
     * of a ±1/8 shift applied to the ternary grid values.
     */
    static final class IQ1_S extends Base {
        static final float DELTA = 0.125f;

        IQ1_S() {
            super(GgmlType.IQ1_S);
        }

        @Override
        void block(MemorySegment s, long blk, float[] dst, int y) {
            float d = BlockBytes.f16(s, blk);
            for (int ib = 0; ib < 8; ib++) {
                int qh = BlockBytes.u16(s, blk + 34 + 2 * ib);
                float dl = d * (2 * ((qh >>> 12) & 7) + 1);
                float delta = (qh & 0x8000) != 0 ? -DELTA : DELTA;
                for (int l = 0; l < 4; l++) {
                    int idx = BlockBytes.u8(s, blk + 2 + 4 * ib + l) | (((qh >>> (3 * l)) & 7) << 8);
                    int at = y + 32 * ib + 8 * l;
                    for (int j = 0; j < 8; j++) dst[at + j] = dl * (IQGrids.IQ1S[idx * 8 + j] + delta);
                }
            }
        }
    }
}
