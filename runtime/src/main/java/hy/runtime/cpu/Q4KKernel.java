package hy.runtime.cpu;

import static hy.runtime.cpu.Layouts.half;
import static hy.runtime.cpu.Layouts.u8;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q4_K and Q5_K against Q8_K activations. A 256-weight super-block has f16 d and dmin, eight 6-bit (scale, min)
 * pairs packed in 12 bytes, and 128 quant bytes in four 64-weight chunks: byte l of chunk c gives weight 64c + l (low
 * nibble, sub-block 2c) and 64c + 32 + l (high nibble, sub-block 2c + 1). Q5_K adds a fifth bit: bit 2c (low) or
 * 2c + 1 (high) of qh[l]. Value = d·sc·q − dmin·m, so a sub-block contributes d·d_a·sc·Σ q·q_a − dmin·d_a·m·Σ q_a,
 * the second term from the activation sums per 16.
 */
final class Q4KKernel implements RowKernel {
    static final Q4KKernel Q4_K = new Q4KKernel(false, Simd.ENABLED);
    static final Q4KKernel Q5_K = new Q4KKernel(true, Simd.ENABLED);

    private final boolean fiveBit;
    private final boolean vector;
    private final int blockBytes;
    private final int qsOffset;

    private Q4KKernel(boolean fiveBit, boolean vector) {
        this.fiveBit = fiveBit;
        this.vector = vector;
        this.blockBytes = fiveBit ? 176 : 144;
        this.qsOffset = fiveBit ? 48 : 16;
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
        short[] aq = x.q256();
        float[] ad = x.d256();
        int[] sums = x.sum16();
        int supers = n >> 8;
        int a = token * n;
        float acc = 0;
        for (int s = 0; s < supers; s++, off += blockBytes, a += 256) {
            float da = ad[token * supers + s];
            float d = half(w, off) * da;
            float dmin = half(w, off + 2) * da;
            int minSum = 0;
            for (int j = 0; j < 8; j++) {
                minSum += min(w, off + 4, j) * (sums[a / 16 + 2 * j] + sums[a / 16 + 2 * j + 1]);
            }
            acc += (vector ? vectorSuper(w, off, aq, a, d) : scalarSuper(w, off, aq, a, d)) - dmin * minSum;
        }
        return acc;
    }

    /**
     * One loop over the eight 32-weight sub-blocks: sub-block j reads qs[32(j / 2) ..] shifted by 4(j & 1) and, for
     * Q5_K, bit j of qh[..]. A single small loop body keeps C2's graph small enough to inline every vector op.
     */
    private float vectorSuper(MemorySegment w, long off, short[] aq, int a, float d) {
        FloatVector acc = FloatVector.zero(Simd.F);
        for (int j = 0; j < 8; j++) {
            long qs = off + qsOffset + 32 * (j >> 1);
            int shift = 4 * (j & 1);
            ShortVector p = ShortVector.zero(Simd.S);
            for (int l = 0; l < 32; l += Simd.LANES) {
                ShortVector q = Simd.widen(ByteVector.fromMemorySegment(Simd.B, w, qs + l, Simd.LE))
                        .lanewise(VectorOperators.ASHR, shift).and((short) 0xF);
                if (fiveBit) {
                    ShortVector h = Simd.widen(ByteVector.fromMemorySegment(Simd.B, w, off + 16 + l, Simd.LE));
                    q = q.or(h.lanewise(VectorOperators.LSHR, j).and((short) 1).lanewise(VectorOperators.LSHL, 4));
                }
                p = p.add(q.mul(ShortVector.fromArray(Simd.S, aq, a + 32 * j + l)));
            }
            acc = Simd.toFloat(p).fma(FloatVector.broadcast(Simd.F, d * scale(w, off + 4, j)), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    private float scalarSuper(MemorySegment w, long off, short[] aq, int a, float d) {
        float acc = 0;
        for (int c = 0; c < 4; c++) {
            int lo = 0;
            int hi = 0;
            for (int l = 0; l < 32; l++) {
                int q = u8(w, off + qsOffset + 32 * c + l);
                int h = fiveBit ? u8(w, off + 16 + l) : 0;
                lo += ((q & 0xF) | ((h >>> (2 * c)) & 1) << 4) * aq[a + 64 * c + l];
                hi += ((q >>> 4) | ((h >>> (2 * c + 1)) & 1) << 4) * aq[a + 64 * c + 32 + l];
            }
            acc += d * (scale(w, off + 4, 2 * c) * lo + scale(w, off + 4, 2 * c + 1) * hi);
        }
        return acc;
    }

    /** The 6-bit scale of sub-block {@code j} from the 12 packed bytes at {@code scales} (ggml get_scale_min_k4). */
    static int scale(MemorySegment w, long scales, int j) {
        return j < 4 ? u8(w, scales + j) & 63
                : (u8(w, scales + j + 4) & 0xF) | (u8(w, scales + j - 4) >>> 6) << 4;
    }

    /** The 6-bit minimum of sub-block {@code j}. */
    static int min(MemorySegment w, long scales, int j) {
        return j < 4 ? u8(w, scales + j + 4) & 63
                : (u8(w, scales + j + 4) >>> 4) | (u8(w, scales + j) >>> 6) << 4;
    }
}
