package hy.runtime.cpu;

import static hy.runtime.cpu.Layouts.SHORT_LE;
import static hy.runtime.cpu.Layouts.half;
import static hy.runtime.cpu.Layouts.u8;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The non-linear 4-bit types: each nibble indexes a 16-entry table of int8 values. IQ4_NL has 32-weight blocks with
 * an f16 scale (Q8_0 activations); IQ4_XS has 256-weight super-blocks of eight 32-weight blocks with 6-bit scales
 * (Q8_K activations). Both share the block step: 16 quant bytes, byte j giving weight j (low nibble) and j + 16
 * (high nibble). The table lookup is one 16-byte shuffle; two products per lane (|table| ≤ 127, |q_a| ≤ 127) stay
 * within 16 bits.
 */
final class Iq4Kernel implements RowKernel {
    static final Iq4Kernel NL = new Iq4Kernel(false, Simd.ENABLED);
    static final Iq4Kernel XS = new Iq4Kernel(true, Simd.ENABLED);

    /** ggml's kvalues_iq4nl. */
    static final byte[] VALUES = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};
    private static final ByteVector TABLE = ByteVector.fromArray(Simd.B16, VALUES, 0);
    private static final int NL_BLOCK_BYTES = 18;
    private static final int XS_BLOCK_BYTES = 136;

    private final boolean xs;
    private final boolean vector;

    private Iq4Kernel(boolean xs, boolean vector) {
        this.xs = xs;
        this.vector = vector;
    }

    Iq4Kernel scalar() {
        return new Iq4Kernel(xs, false);
    }

    @Override
    public ActivationFormat format() {
        return xs ? ActivationFormat.Q8_K : ActivationFormat.Q8_0;
    }

    @Override
    public float dot(MemorySegment w, long off, int n, QuantizedActivations x, int token) {
        if (xs) return vector ? vectorXs(w, off, n, x, token) : scalarXs(w, off, n, x, token);
        return vector ? vectorNl(w, off, n, x, token) : scalarNl(w, off, n, x, token);
    }

    /** Σ table[q]·q_a over one 32-weight block, as lane-wise int sums. */
    private static IntVector block(MemorySegment w, long qs, short[] aq, int a) {
        ByteVector bytes = ByteVector.fromMemorySegment(Simd.B16, w, qs, Simd.LE);
        ByteVector lo = bytes.and((byte) 0xF).selectFrom(TABLE);
        // Shift as 16-bit lanes (x86 has no byte shift), then mask: the high nibble of every byte.
        ByteVector hi = bytes.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes()
                .and((byte) 0xF).selectFrom(TABLE);
        IntVector sum = IntVector.zero(Simd.I);
        for (int part = 0; part < 16 / Simd.LANES; part++) {
            ShortVector l = (ShortVector) lo.convertShape(VectorOperators.B2S, Simd.S, part);
            ShortVector h = (ShortVector) hi.convertShape(VectorOperators.B2S, Simd.S, part);
            ShortVector p = l.mul(ShortVector.fromArray(Simd.S, aq, a + part * Simd.LANES))
                    .add(h.mul(ShortVector.fromArray(Simd.S, aq, a + 16 + part * Simd.LANES)));
            sum = sum.add(Simd.toInt(p));
        }
        return sum;
    }

    private static float vectorNl(MemorySegment w, long off, int n, QuantizedActivations x, int token) {
        short[] aq = x.q32();
        float[] ad = x.d32();
        int blocks = n >> 5;
        int a = token * n;
        int ab = token * blocks;
        FloatVector acc = FloatVector.zero(Simd.F);
        for (int b = 0; b < blocks; b++, off += NL_BLOCK_BYTES, a += 32) {
            IntVector sum = block(w, off + 2, aq, a);
            acc = ((FloatVector) sum.convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.broadcast(Simd.F, half(w, off) * ad[ab + b]), acc);
        }
        return Simd.sum(acc);
    }

    private static float vectorXs(MemorySegment w, long off, int n, QuantizedActivations x, int token) {
        short[] aq = x.q256();
        float[] ad = x.d256();
        int supers = n >> 8;
        int a = token * n;
        FloatVector acc = FloatVector.zero(Simd.F);
        for (int s = 0; s < supers; s++, off += XS_BLOCK_BYTES) {
            float d = half(w, off) * ad[token * supers + s];
            int scalesHigh = w.get(SHORT_LE, off + 2);
            for (int b = 0; b < 8; b++, a += 32) {
                IntVector sum = block(w, off + 8 + 16 * b, aq, a);
                float scale = d * (xsScale(w, off, scalesHigh, b) - 32);
                acc = ((FloatVector) sum.convert(VectorOperators.I2F, 0))
                        .fma(FloatVector.broadcast(Simd.F, scale), acc);
            }
        }
        return Simd.sum(acc);
    }

    /** The 6-bit scale of block {@code b} of an IQ4_XS super-block (before subtracting 32). */
    private static int xsScale(MemorySegment w, long superOff, int scalesHigh, int b) {
        int low = (u8(w, superOff + 4 + b / 2) >>> (4 * (b & 1))) & 0xF;
        return low | ((scalesHigh >>> (2 * b)) & 3) << 4;
    }

    private static int scalarBlock(MemorySegment w, long qs, short[] aq, int a) {
        int sum = 0;
        for (int j = 0; j < 16; j++) {
            int q = u8(w, qs + j);
            sum += VALUES[q & 0xF] * aq[a + j] + VALUES[q >>> 4] * aq[a + 16 + j];
        }
        return sum;
    }

    private static float scalarNl(MemorySegment w, long off, int n, QuantizedActivations x, int token) {
        short[] aq = x.q32();
        float[] ad = x.d32();
        int blocks = n >> 5;
        int a = token * n;
        float acc = 0;
        for (int b = 0; b < blocks; b++, off += NL_BLOCK_BYTES, a += 32) {
            acc += half(w, off) * ad[token * blocks + b] * scalarBlock(w, off + 2, aq, a);
        }
        return acc;
    }

    private static float scalarXs(MemorySegment w, long off, int n, QuantizedActivations x, int token) {
        short[] aq = x.q256();
        float[] ad = x.d256();
        int supers = n >> 8;
        int a = token * n;
        float acc = 0;
        for (int s = 0; s < supers; s++, off += XS_BLOCK_BYTES) {
            float d = half(w, off) * ad[token * supers + s];
            int scalesHigh = w.get(SHORT_LE, off + 2);
            for (int b = 0; b < 8; b++, a += 32) {
                acc += d * (xsScale(w, off, scalesHigh, b) - 32) * scalarBlock(w, off + 8 + 16 * b, aq, a);
            }
        }
        return acc;
    }
}
