package hy.runtime.cpu;

import static hy.runtime.cpu.Layouts.INT_LE;
import static hy.runtime.cpu.Layouts.half;
import static hy.runtime.cpu.Layouts.u8;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Q4_0, Q4_1, Q5_0 and Q5_1 against Q8_0 activations. They share one shape: 32 weights per block, byte j of the 16
 * quant bytes holds weight j (low nibble) and j + 16 (high nibble), Q5 types add a fifth bit per weight from a 32-bit
 * mask, and the value is d·q − offset·d (Q4_0: 8, Q5_0: 16) or d·q + m (stored minimum). Since the activations are
 * a = d_a·q_a, a block contributes d·d_a·Σ q·q_a plus (m or −offset·d)·d_a·Σ q_a; the second term uses the block sums
 * kept with the activations, so the vector loop only does unsigned integer products.
 *
 * <p>The vector loop multiplies in 16-bit lanes (q ≤ 31, |q_a| ≤ 127: two products per lane stay below 2^15),
 * converts to float once per block, and keeps a lane-wise float accumulator reduced once per row.
 */
final class LegacyQuantKernel implements RowKernel, RowDecoder {
    static final LegacyQuantKernel Q4_0 = new LegacyQuantKernel(18, 2, -1, -1, 8);
    static final LegacyQuantKernel Q4_1 = new LegacyQuantKernel(20, 4, -1, 2, 0);
    static final LegacyQuantKernel Q5_0 = new LegacyQuantKernel(22, 6, 2, -1, 16);
    static final LegacyQuantKernel Q5_1 = new LegacyQuantKernel(24, 8, 4, 2, 0);

    /** Lane i holds i. */
    private static final ShortVector LANE_INDEX = ShortVector.zero(Simd.S).addIndex(1);
    /** Lane i holds 1 << i: tests whether weight i of a group of LANES has its fifth bit set. */
    private static final ShortVector LANE_BIT = ShortVector.broadcast(Simd.S, (short) 1)
            .lanewise(VectorOperators.LSHL, ShortVector.zero(Simd.S).addIndex(1));

    private final int blockBytes;
    private final int qsOffset;
    /** Byte offset of the 32-bit high-bit mask, or -1 for 4-bit types. */
    private final int qhOffset;
    /** Byte offset of the f16 minimum, or -1 for the types with a fixed offset. */
    private final int minOffset;
    private final int offset;
    private final boolean vector;

    private LegacyQuantKernel(int blockBytes, int qsOffset, int qhOffset, int minOffset, int offset) {
        this(blockBytes, qsOffset, qhOffset, minOffset, offset, Simd.ENABLED);
    }

    private LegacyQuantKernel(int blockBytes, int qsOffset, int qhOffset, int minOffset, int offset, boolean vector) {
        this.blockBytes = blockBytes;
        this.qsOffset = qsOffset;
        this.qhOffset = qhOffset;
        this.minOffset = minOffset;
        this.offset = offset;
        this.vector = vector;
    }

    /** The same format with the scalar loop (the reference the vector loop is tested against). */
    LegacyQuantKernel scalar() {
        return new LegacyQuantKernel(blockBytes, qsOffset, qhOffset, minOffset, offset, false);
    }

    @Override
    public ActivationFormat format() {
        return ActivationFormat.Q8_0;
    }

    @Override
    public float dot(MemorySegment w, long off, int n, QuantizedActivations x, int token) {
        return vector ? vectorDot(w, off, n, x, token) : scalarDot(w, off, n, x, token);
    }

    private float vectorDot(MemorySegment w, long off, int n, QuantizedActivations x, int token) {
        short[] aq = x.q32();
        float[] ad = x.d32();
        float[] asum = x.sum32();
        int blocks = n >> 5;
        int a = token * n;
        int ab = token * blocks;
        FloatVector acc = FloatVector.zero(Simd.F);
        float extra = 0;
        for (int b = 0; b < blocks; b++, off += blockBytes, a += 32) {
            float d = half(w, off);
            int qh = qhOffset < 0 ? 0 : w.get(INT_LE, off + qhOffset);
            IntVector sum = IntVector.zero(Simd.I);
            for (int j = 0; j < 16; j += Simd.LANES) {
                ShortVector p = quants(w, off, j, qh, false).mul(ShortVector.fromArray(Simd.S, aq, a + j))
                        .add(quants(w, off, j, qh, true).mul(ShortVector.fromArray(Simd.S, aq, a + 16 + j)));
                sum = sum.add(Simd.toInt(p));
            }
            acc = ((FloatVector) sum.convert(VectorOperators.I2F, 0)).fma(FloatVector.broadcast(Simd.F, d * ad[ab + b]), acc);
            extra += (minOffset < 0 ? -offset * d : half(w, off + minOffset)) * asum[ab + b];
        }
        return Simd.sum(acc) + extra;
    }

    /**
     * Decodes a row to floats, d·q + (m or −offset·d). Only the Vector API's own (force-inlined) methods: C2 may inline
     * this decoder into the float product's loop at a low call-site frequency and then not inline a helper of ours,
     * boxing its vectors. The fifth bits (0 for the 4-bit types) are shifted into place lane by lane.
     */
    @Override
    public void decode(MemorySegment w, long off, int n, float[] dst) {
        for (int b = 0; b < n >> 5; b++, off += blockBytes) {
            float d = half(w, off);
            float m = minOffset < 0 ? -offset * d : half(w, off + minOffset);
            int qh = qhOffset < 0 ? 0 : w.get(INT_LE, off + qhOffset);
            for (int j = 0; j < 16; j += Simd.LANES) {
                ShortVector q = (ShortVector) ByteVector.fromMemorySegment(Simd.B, w, off + qsOffset + j, Simd.LE)
                        .convertShape(VectorOperators.B2S, Simd.S, 0);
                ShortVector lo = q.and((short) 0xF).or(ShortVector.broadcast(Simd.S, (short) (qh >>> j))
                        .lanewise(VectorOperators.LSHR, LANE_INDEX).and((short) 1).lanewise(VectorOperators.LSHL, 4));
                ShortVector hi = q.lanewise(VectorOperators.ASHR, 4).and((short) 0xF).or(ShortVector.broadcast(Simd.S,
                        (short) (qh >>> (16 + j))).lanewise(VectorOperators.LSHR, LANE_INDEX).and((short) 1)
                        .lanewise(VectorOperators.LSHL, 4));
                ((FloatVector) lo.convertShape(VectorOperators.S2F, Simd.F, 0)).fma(d, m).intoArray(dst, 32 * b + j);
                ((FloatVector) hi.convertShape(VectorOperators.S2F, Simd.F, 0)).fma(d, m).intoArray(dst, 32 * b + 16 + j);
            }
        }
    }

    /**
     * The unsigned quants of weights j.. (low nibbles) or, with {@code high}, 16 + j.. (high nibbles) of the block at
     * {@code off}, fifth bits from {@code qh} included. Small enough that C2 inlines it (the vector is not boxed).
     */
    private ShortVector quants(MemorySegment w, long off, int j, int qh, boolean high) {
        ShortVector q = Simd.widen(ByteVector.fromMemorySegment(Simd.B, w, off + qsOffset + j, Simd.LE));
        q = (high ? q.lanewise(VectorOperators.ASHR, 4) : q).and((short) 0xF);
        return qhOffset < 0 ? q : withFifthBit(q, qh >>> (high ? 16 + j : j));
    }

    /** Adds 16 to the lanes whose bit (lane i ↔ bit i of {@code bits}) is set. */
    private static ShortVector withFifthBit(ShortVector q, int bits) {
        VectorMask<Short> set = ShortVector.broadcast(Simd.S, (short) bits).and(LANE_BIT).compare(VectorOperators.NE, 0);
        return q.lanewise(VectorOperators.ADD, (short) 16, set);
    }

    private float scalarDot(MemorySegment w, long off, int n, QuantizedActivations x, int token) {
        short[] aq = x.q32();
        float[] ad = x.d32();
        float[] asum = x.sum32();
        int blocks = n >> 5;
        int a = token * n;
        int ab = token * blocks;
        float acc = 0;
        float extra = 0;
        for (int b = 0; b < blocks; b++, off += blockBytes, a += 32) {
            float d = half(w, off);
            int qh = qhOffset < 0 ? 0 : w.get(INT_LE, off + qhOffset);
            int sum = 0;
            for (int j = 0; j < 16; j++) {
                int q = u8(w, off + qsOffset + j);
                int lo = (q & 0xF) | ((qh >>> j) & 1) << 4;
                int hi = (q >>> 4) | ((qh >>> (j + 16)) & 1) << 4;
                sum += lo * aq[a + j] + hi * aq[a + 16 + j];
            }
            acc += d * ad[ab + b] * sum;
            extra += (minOffset < 0 ? -offset * d : half(w, off + minOffset)) * asum[ab + b];
        }
        return acc + extra;
    }
}
