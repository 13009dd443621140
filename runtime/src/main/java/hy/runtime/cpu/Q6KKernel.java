package hy.runtime.cpu;

import static hy.runtime.cpu.Layouts.BYTE;
import static hy.runtime.cpu.Layouts.half;
import static hy.runtime.cpu.Layouts.u8;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Q6_K against Q8_K activations. A 256-weight super-block: ql (128 bytes of low nibbles), qh (64 bytes of 2-bit high
 * parts), 16 int8 scales (one per 16 weights), f16 d. Half h (128 weights) reads ql[64h..] and qh[32h..]: for quarter
 * k and l in 0..32, weight 128h + 32k + l = (ql[64h + 32(k & 1) + l] >> 4(k >> 1)) & 0xF | ((qh[32h + l] >> 2k) & 3)
 * << 4, scaled by sc[8h + 2k + l / 16]. Value = d·sc·(q − 32); the −32 is applied in a separate scalar pass through
 * the activation sums per 16, so the vector loop multiplies unsigned 6-bit values (≤ 63·127 per product).
 *
 * <p>The vector loop does a quarter (32 weights) per step in 2L 16-bit lanes (L = 16), adds neighbouring products into
 * L 32-bit lanes (lanes 0..7 then hold the first 16 weights, 8..15 the next 16), and multiplies by a vector of the
 * two scales spread by one permute from the super-block's scales, converted to float once.
 */
final class Q6KKernel implements RowKernel {
    static final Q6KKernel VECTOR = new Q6KKernel(Simd.ENABLED);
    static final Q6KKernel SCALAR = new Q6KKernel(false);
    private static final int BLOCK_BYTES = 210;
    private static final int WIDE = 2 * Simd.LANES;
    private static final VectorSpecies<Byte> B2 = ByteVector.SPECIES_256.withShape(VectorShape.forBitSize(WIDE * 8));
    private static final VectorSpecies<Short> S2 = ShortVector.SPECIES_512.withShape(VectorShape.forBitSize(WIDE * 16));
    /** SPREAD[j]: lane i takes scale j + i / 8 of the loaded scale vector (pairs of 16-bit lanes: 8 per group). */
    private static final VectorShuffle<Float>[] SPREAD = spreads();

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static VectorShuffle<Float>[] spreads() {
        VectorShuffle<Float>[] s = new VectorShuffle[Simd.LANES];
        for (int j = 0; j < Simd.LANES; j++) {
            int first = j;
            s[j] = VectorShuffle.fromOp(Simd.F, i -> Math.min(first + i / 8, Simd.LANES - 1));
        }
        return s;
    }

    private final boolean vector;

    private Q6KKernel(boolean vector) {
        this.vector = vector;
    }

    @Override
    public ActivationFormat format() {
        return ActivationFormat.Q8_K;
    }

    @Override
    public float dot(MemorySegment w, long off, int n, QuantizedActivations x, int token) {
        float body = vector ? vectorRow(w, off, n, x, token) : scalarRow(w, off, n, x, token);
        return body - offsetTerm(w, off, n, x, token);
    }

    /** Σ over super-blocks of 32·d·d_a·Σ_g sc_g·(activation sum of group g): the −32 of every weight. */
    private static float offsetTerm(MemorySegment w, long off, int n, QuantizedActivations x, int token) {
        float[] ad = x.d256();
        int[] sums = x.sum16();
        int supers = n >> 8;
        int g0 = token * n / 16;
        float total = 0;
        for (int s = 0; s < supers; s++, off += BLOCK_BYTES, g0 += 16) {
            int offsetSum = 0;
            for (int g = 0; g < 16; g++) offsetSum += w.get(BYTE, off + 192 + g) * sums[g0 + g];
            total += 32 * half(w, off + 208) * ad[token * supers + s] * offsetSum;
        }
        return total;
    }

    private static float vectorRow(MemorySegment w, long off, int n, QuantizedActivations x, int token) {
        short[] aq = x.q256();
        float[] ad = x.d256();
        int supers = n >> 8;
        int a = token * n;
        FloatVector acc = FloatVector.zero(Simd.F);
        for (int s = 0; s < supers; s++, off += BLOCK_BYTES, a += 256) {
            float d = half(w, off + 208) * ad[token * supers + s];
            for (int h = 0; h < 2; h++) {
                // L scales from the group this half starts in (all 16 with L = 16), times d.
                int first = (8 * h) / Simd.LANES * Simd.LANES;
                FloatVector scales = Simd.toFloat(Simd.widen(ByteVector.fromMemorySegment(Simd.B, w, off + 192 + first,
                        Simd.LE))).mul(d);
                for (int k = 0; k < 4; k++) {
                    for (int l = 0; l < 32; l += WIDE) {  // once with 16 lanes
                        ShortVector low = widen(ByteVector.fromMemorySegment(B2, w, off + 64 * h + 32 * (k & 1) + l,
                                Simd.LE)).lanewise(VectorOperators.ASHR, 4 * (k >> 1)).and((short) 0xF);
                        ShortVector high = widen(ByteVector.fromMemorySegment(B2, w, off + 128 + 32 * h + l, Simd.LE))
                                .lanewise(VectorOperators.ASHR, 2 * k).and((short) 3).lanewise(VectorOperators.LSHL, 4);
                        IntVector p = pairSums(low.or(high).mul(ShortVector.fromArray(S2, aq, a + 128 * h + 32 * k + l)));
                        int group = 8 * h + 2 * k + l / 16 - first;
                        acc = Simd.toFloat(p).fma(scales.rearrange(SPREAD[group]), acc);
                    }
                }
            }
        }
        return Simd.sum(acc);
    }

    private static ShortVector widen(ByteVector v) {
        return (ShortVector) v.convertShape(VectorOperators.B2S, S2, 0);
    }

    /** Adds neighbouring 16-bit lanes into L 32-bit lanes. */
    private static IntVector pairSums(ShortVector v) {
        IntVector pairs = v.reinterpretAsInts();
        return pairs.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(pairs.lanewise(VectorOperators.ASHR, 16));
    }

    private static float scalarRow(MemorySegment w, long off, int n, QuantizedActivations x, int token) {
        short[] aq = x.q256();
        float[] ad = x.d256();
        int supers = n >> 8;
        int a = token * n;
        float acc = 0;
        for (int s = 0; s < supers; s++, off += BLOCK_BYTES, a += 256) {
            float d = half(w, off + 208) * ad[token * supers + s];
            for (int h = 0; h < 2; h++) {
                for (int k = 0; k < 4; k++) {
                    for (int g = 0; g < 2; g++) {
                        int sum = 0;
                        for (int l = 16 * g; l < 16 * g + 16; l++) {
                            int low = (u8(w, off + 64 * h + 32 * (k & 1) + l) >> (4 * (k >> 1))) & 0xF;
                            int high = (u8(w, off + 128 + 32 * h + l) >> (2 * k)) & 3;
                            sum += (low | high << 4) * aq[a + 128 * h + 32 * k + l];
                        }
                        acc += d * w.get(BYTE, off + 192 + 8 * h + 2 * k + g) * sum;
                    }
                }
            }
        }
        return acc;
    }
}
