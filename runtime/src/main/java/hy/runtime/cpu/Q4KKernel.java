package hy.runtime.cpu;

import static hy.runtime.cpu.Layouts.INT_LE;
import static hy.runtime.cpu.Layouts.half;
import static hy.runtime.cpu.Layouts.u8;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Q4_K and Q5_K against Q8_K activations. A 256-weight super-block has f16 d and dmin, eight 6-bit (scale, min)
 * pairs packed in 12 bytes, and 128 quant bytes in four 64-weight chunks: byte l of chunk c gives weight 64c + l (low
 * nibble, sub-block 2c) and 64c + 32 + l (high nibble, sub-block 2c + 1). Q5_K adds a fifth bit: bit 2c (low) or
 * 2c + 1 (high) of qh[l]. Value = d·sc·q − dmin·m, so a sub-block contributes d·d_a·sc·Σ q·q_a − dmin·d_a·m·Σ q_a,
 * the second term from the activation sums.
 *
 * <p>The vector loop takes a sub-block (32 weights) per step in 2L 16-bit lanes (L = 16), adds neighbouring products
 * into L 32-bit lanes and converts to float once per sub-block. (Each chunk's bytes are loaded twice, once per
 * nibble, which keeps the loop body small; the second load hits L1.) The 12 scale bytes are read
 * as three ints and unpacked with masks into 8 scales and 8 mins held in longs (byte j = sub-block j).
 *
 * <p>Shape of the code, for C2: each row loop is one method, too big to be inlined into {@link #dot} and so compiled
 * on its own, with one small loop body; Q4_K and Q5_K have separate loops (a branch on the fifth bit inside one loop
 * made C2 box the vectors); helpers that take or return vectors stay under the 35-bytecode inlining limit. When a
 * vector crosses a call that is not inlined, or a method's graph outgrows C2's inlining cutoff, vectors are boxed
 * on the heap and the kernel runs several times slower.
 */
final class Q4KKernel implements RowKernel {
    static final Q4KKernel Q4_K = new Q4KKernel(false, Simd.ENABLED);
    static final Q4KKernel Q5_K = new Q4KKernel(true, Simd.ENABLED);

    /** 2L lanes: one 32-byte chunk per load with L = 16. */
    private static final int WIDE = 2 * Simd.LANES;
    private static final VectorSpecies<Byte> B2 = ByteVector.SPECIES_256.withShape(VectorShape.forBitSize(WIDE * 8));
    private static final VectorSpecies<Short> S2 = ShortVector.SPECIES_512.withShape(VectorShape.forBitSize(WIDE * 16));
    private static final int Q4_BYTES = 144;
    private static final int Q5_BYTES = 176;

    private final boolean fiveBit;
    private final boolean vector;

    private Q4KKernel(boolean fiveBit, boolean vector) {
        this.fiveBit = fiveBit;
        this.vector = vector;
    }

    Q4KKernel scalar() {
        return new Q4KKernel(fiveBit, false);
    }

    @Override
    public ActivationFormat format() {
        return ActivationFormat.Q8_K;
    }

    @Override
    public float dot(MemorySegment w, long off, int n, QuantizedActivations x, int token) {
        float body = !vector ? scalarRow(w, off, n, x, token, fiveBit)
                : fiveBit ? vectorRow5(w, off, n, x, token) : vectorRow4(w, off, n, x, token);
        return body - minTerm(w, off, n, x, token, fiveBit ? Q5_BYTES : Q4_BYTES);
    }

    /** Σ over super-blocks of dmin·d_a·Σ_j min_j·(activation sum of sub-block j): a scalar pass of its own. */
    private static float minTerm(MemorySegment w, long off, int n, QuantizedActivations x, int token, int blockBytes) {
        float[] ad = x.d256();
        int[] sums = x.sum16();
        int supers = n >> 8;
        float total = 0;
        for (int s = 0; s < supers; s++, off += blockBytes) {
            total += half(w, off + 2) * ad[token * supers + s] * minSum(w, off + 4, sums, (token * n + 256 * s) >> 4);
        }
        return total;
    }

    private static float vectorRow4(MemorySegment w, long off, int n, QuantizedActivations x, int token) {
        short[] aq = x.q256();
        float[] ad = x.d256();
        int supers = n >> 8;
        int a = token * n;
        FloatVector acc = FloatVector.zero(Simd.F);
        for (int s = 0; s < supers; s++, off += Q4_BYTES, a += 256) {
            float d = half(w, off) * ad[token * supers + s];
            long scales = scales(w, off + 4);
            for (int j = 0; j < 8; j++) {  // sub-block j: nibbles (j & 1) of chunk j / 2
                IntVector p = IntVector.zero(Simd.I);
                for (int l = 0; l < 32; l += WIDE) {  // once with 16 lanes
                    ShortVector q = widen(ByteVector.fromMemorySegment(B2, w, off + 16 + 32 * (j >> 1) + l, Simd.LE))
                            .lanewise(VectorOperators.ASHR, 4 * (j & 1)).and((short) 0xF);
                    p = p.add(pairSums(q.mul(ShortVector.fromArray(S2, aq, a + 32 * j + l))));
                }
                acc = Simd.toFloat(p).fma(FloatVector.broadcast(Simd.F, d * scale(scales, j)), acc);
            }
        }
        return Simd.sum(acc);
    }

    private static float vectorRow5(MemorySegment w, long off, int n, QuantizedActivations x, int token) {
        short[] aq = x.q256();
        float[] ad = x.d256();
        int supers = n >> 8;
        int a = token * n;
        FloatVector acc = FloatVector.zero(Simd.F);
        for (int s = 0; s < supers; s++, off += Q5_BYTES, a += 256) {
            float d = half(w, off) * ad[token * supers + s];
            long scales = scales(w, off + 4);
            for (int j = 0; j < 8; j++) {  // sub-block j: nibbles (j & 1) of chunk j / 2, fifth bit j of qh
                IntVector p = IntVector.zero(Simd.I);
                for (int l = 0; l < 32; l += WIDE) {
                    ShortVector q = widen(ByteVector.fromMemorySegment(B2, w, off + 48 + 32 * (j >> 1) + l, Simd.LE))
                            .lanewise(VectorOperators.ASHR, 4 * (j & 1)).and((short) 0xF);
                    ShortVector h = widen(ByteVector.fromMemorySegment(B2, w, off + 16 + l, Simd.LE))
                            .lanewise(VectorOperators.LSHR, j).and((short) 1).lanewise(VectorOperators.LSHL, 4);
                    p = p.add(pairSums(q.or(h).mul(ShortVector.fromArray(S2, aq, a + 32 * j + l))));
                }
                acc = Simd.toFloat(p).fma(FloatVector.broadcast(Simd.F, d * scale(scales, j)), acc);
            }
        }
        return Simd.sum(acc);
    }

    private static ShortVector widen(ByteVector v) {
        return (ShortVector) v.convertShape(VectorOperators.B2S, S2, 0);
    }

    /**
     * Adds neighbouring 16-bit lanes into L 32-bit lanes (a reinterpretation plus shifts; folding the upper half onto
     * the lower with reinterpretShape made C2's graph explode past its inlining cutoff).
     */
    private static IntVector pairSums(ShortVector v) {
        IntVector pairs = v.reinterpretAsInts();
        return pairs.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(pairs.lanewise(VectorOperators.ASHR, 16));
    }

    /**
     * The eight 6-bit scales from the 12 packed bytes at {@code at}, byte j = sub-block j: the low 6 bits of bytes
     * 0..3 for j < 4; for j ≥ 4 the low nibble of byte j + 4 with the top two bits of byte j − 4 above it.
     */
    static long scales(MemorySegment w, long at) {
        int u0 = w.get(INT_LE, at);
        int u2 = w.get(INT_LE, at + 8);
        int low = u0 & 0x3F3F3F3F;
        int high = (u2 & 0x0F0F0F0F) | ((u0 >>> 6) & 0x03030303) << 4;
        return (low & 0xFFFFFFFFL) | (long) high << 32;
    }

    /**
     * Σ_j min_j · (activation sum of sub-block j). The mins are bytes 4..7 (low 6 bits) for j < 4, and for j ≥ 4 the
     * high nibble of byte j + 4 with the top two bits of byte j above it.
     */
    static int minSum(MemorySegment w, long at, int[] sums, int group) {
        long mins = mins(w, at);
        int total = 0;
        for (int j = 0; j < 8; j++) total += scale(mins, j) * (sums[group + 2 * j] + sums[group + 2 * j + 1]);
        return total;
    }

    /** The eight 6-bit mins, byte j = sub-block j (see {@link #minSum}). */
    static long mins(MemorySegment w, long at) {
        int u1 = w.get(INT_LE, at + 4);
        int u2 = w.get(INT_LE, at + 8);
        int low = u1 & 0x3F3F3F3F;
        int high = ((u2 >>> 4) & 0x0F0F0F0F) | ((u1 >>> 6) & 0x03030303) << 4;
        return (low & 0xFFFFFFFFL) | (long) high << 32;
    }

    /** Byte {@code j} of unpacked scales or mins. */
    private static int scale(long packed, int j) {
        return (int) (packed >>> (8 * j)) & 0xFF;
    }

    private static float scalarRow(MemorySegment w, long off, int n, QuantizedActivations x, int token, boolean fiveBit) {
        short[] aq = x.q256();
        float[] ad = x.d256();
        int supers = n >> 8;
        int a = token * n;
        int qs = fiveBit ? 48 : 16;
        float acc = 0;
        for (int s = 0; s < supers; s++, off += fiveBit ? Q5_BYTES : Q4_BYTES, a += 256) {
            float da = ad[token * supers + s];
            float d = half(w, off) * da;
            long scales = scales(w, off + 4);
            for (int c = 0; c < 4; c++) {
                int lo = 0;
                int hi = 0;
                for (int l = 0; l < 32; l++) {
                    int q = u8(w, off + qs + 32 * c + l);
                    int h = fiveBit ? u8(w, off + 16 + l) : 0;
                    lo += ((q & 0xF) | ((h >>> (2 * c)) & 1) << 4) * aq[a + 64 * c + l];
                    hi += ((q >>> 4) | ((h >>> (2 * c + 1)) & 1) << 4) * aq[a + 64 * c + 32 + l];
                }
                acc += d * (scale(scales, 2 * c) * lo + scale(scales, 2 * c + 1) * hi);
            }
        }
        return acc;
    }
}
