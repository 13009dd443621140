package hy.runtime.cpu;

import static hy.runtime.cpu.Layouts.BYTE;
import static hy.runtime.cpu.Layouts.half;
import static hy.runtime.cpu.Layouts.u8;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q6_K against Q8_K activations. A 256-weight super-block: ql (128 bytes of low nibbles), qh (64 bytes of 2-bit high
 * parts), 16 int8 scales (one per 16 weights), f16 d. Each half (128 weights) reads ql[0..64) and qh[0..32): for
 * l in 0..32, ql[l] low/high nibbles give weights l and l + 64, ql[l + 32] gives l + 32 and l + 96, and bit pairs
 * 0, 2, 4, 6 of qh[l] extend weights l, l + 32, l + 64, l + 96. Value = d·sc·(q − 32); the −32 is applied through the
 * activation sums per 16, so the vector loop multiplies unsigned 6-bit values (≤ 63·127 per product).
 */
final class Q6KKernel implements RowKernel {
    static final Q6KKernel VECTOR = new Q6KKernel(Simd.ENABLED);
    static final Q6KKernel SCALAR = new Q6KKernel(false);
    private static final int BLOCK_BYTES = 210;

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
        short[] aq = x.q256();
        float[] ad = x.d256();
        int[] sums = x.sum16();
        int supers = n >> 8;
        int a = token * n;
        float acc = 0;
        for (int s = 0; s < supers; s++, off += BLOCK_BYTES, a += 256) {
            float d = half(w, off + 208) * ad[token * supers + s];
            int offsetSum = 0;
            for (int g = 0; g < 16; g++) offsetSum += w.get(BYTE, off + 192 + g) * sums[a / 16 + g];
            float body = vector ? vectorSuper(w, off, aq, a, d) : scalarSuper(w, off, aq, a, d);
            acc += body - 32 * d * offsetSum;
        }
        return acc;
    }

    /**
     * One loop over the 16 groups of 16 weights: group gi (weights 16·gi..) has scale sc[gi], takes its low nibbles
     * from ql[64h + 32(k & 1) + 16g ..] shifted by 4(k >> 1) and its high bits from qh[32h + 16g ..] shifted by 2k,
     * where gi = 8h + 2k + g. A single small loop body keeps C2's graph small enough to inline every vector op.
     */
    private static float vectorSuper(MemorySegment w, long off, short[] aq, int a, float d) {
        FloatVector acc = FloatVector.zero(Simd.F);
        for (int gi = 0; gi < 16; gi++) {
            int h = gi >> 3;
            int k = (gi >> 1) & 3;
            int g = gi & 1;
            long ql = off + 64 * h + 32 * (k & 1) + 16 * g;
            long qh = off + 128 + 32 * h + 16 * g;
            ShortVector p = ShortVector.zero(Simd.S);
            for (int l = 0; l < 16; l += Simd.LANES) {
                ShortVector low = Simd.widen(ByteVector.fromMemorySegment(Simd.B, w, ql + l, Simd.LE))
                        .lanewise(VectorOperators.ASHR, 4 * (k >> 1)).and((short) 0xF);
                ShortVector high = Simd.widen(ByteVector.fromMemorySegment(Simd.B, w, qh + l, Simd.LE))
                        .lanewise(VectorOperators.ASHR, 2 * k).and((short) 3).lanewise(VectorOperators.LSHL, 4);
                p = p.add(low.or(high).mul(ShortVector.fromArray(Simd.S, aq, a + 16 * gi + l)));
            }
            acc = Simd.toFloat(p).fma(FloatVector.broadcast(Simd.F, d * w.get(BYTE, off + 192 + gi)), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    private static float scalarSuper(MemorySegment w, long off, short[] aq, int a, float d) {
        float acc = 0;
        for (int half = 0; half < 2; half++) {
            long ql = off + 64 * half;
            long qh = off + 128 + 32 * half;
            long scales = off + 192 + 8 * half;
            int base = a + 128 * half;
            for (int g = 0; g < 2; g++) {
                int s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                for (int l = 16 * g; l < 16 * g + 16; l++) {
                    int lowA = u8(w, ql + l);
                    int lowB = u8(w, ql + 32 + l);
                    int high = u8(w, qh + l);
                    s0 += ((lowA & 0xF) | (high & 3) << 4) * aq[base + l];
                    s1 += ((lowB & 0xF) | ((high >> 2) & 3) << 4) * aq[base + 32 + l];
                    s2 += ((lowA >> 4) | ((high >> 4) & 3) << 4) * aq[base + 64 + l];
                    s3 += ((lowB >> 4) | ((high >> 6) & 3) << 4) * aq[base + 96 + l];
                }
                acc += d * (w.get(BYTE, scales + g) * s0 + w.get(BYTE, scales + g + 2) * s1
                        + w.get(BYTE, scales + g + 4) * s2 + w.get(BYTE, scales + g + 6) * s3);
            }
        }
        return acc;
    }
}
