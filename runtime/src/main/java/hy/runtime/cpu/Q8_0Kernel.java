package hy.runtime.cpu;

import static hy.runtime.cpu.Layouts.BYTE;
import static hy.runtime.cpu.Layouts.half;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q8_0 (block of 32: f16 d, 32 int8) against Q8_0 activations: d·d_a·Σ q·q_a per block. Products of two int8 fit in
 * 16 bits and two of them still do (|q| ≤ 128, |q_a| ≤ 127), so each pair of LANES-wide steps is added in 16 bits and
 * widened once.
 */
final class Q8_0Kernel implements RowKernel, RowDecoder {
    static final Q8_0Kernel VECTOR = new Q8_0Kernel(Simd.ENABLED);
    static final Q8_0Kernel SCALAR = new Q8_0Kernel(false);
    private static final int BLOCK_BYTES = 34;

    private final boolean vector;

    private Q8_0Kernel(boolean vector) {
        this.vector = vector;
    }

    @Override
    public ActivationFormat format() {
        return ActivationFormat.Q8_0;
    }

    @Override
    public float dot(MemorySegment w, long off, int n, QuantizedActivations x, int token) {
        return vector ? vectorDot(w, off, n, x, token) : scalarDot(w, off, n, x, token);
    }

    private static float vectorDot(MemorySegment w, long off, int n, QuantizedActivations x, int token) {
        short[] aq = x.q32();
        float[] ad = x.d32();
        int blocks = n >> 5;
        int a = token * n;
        int ab = token * blocks;
        FloatVector acc = FloatVector.zero(Simd.F);
        for (int b = 0; b < blocks; b++, off += BLOCK_BYTES, a += 32) {
            IntVector sum = IntVector.zero(Simd.I);
            for (int j = 0; j < 32; j += 2 * Simd.LANES) {
                ShortVector p0 = Simd.widen(ByteVector.fromMemorySegment(Simd.B, w, off + 2 + j, Simd.LE))
                        .mul(ShortVector.fromArray(Simd.S, aq, a + j));
                ShortVector p1 = Simd.widen(ByteVector.fromMemorySegment(Simd.B, w, off + 2 + j + Simd.LANES, Simd.LE))
                        .mul(ShortVector.fromArray(Simd.S, aq, a + j + Simd.LANES));
                sum = sum.add(Simd.toInt(p0.add(p1)));
            }
            acc = ((FloatVector) sum.convert(VectorOperators.I2F, 0)).fma(FloatVector.broadcast(Simd.F, half(w, off) * ad[ab + b]), acc);
        }
        return Simd.sum(acc);
    }

    /**
     * Decodes a row to floats, d·q. Only the Vector API's own (force-inlined) methods: C2 may inline this decoder into
     * the float product's loop at a low call-site frequency and then not inline a helper of ours, boxing its vectors.
     */
    @Override
    public void decode(MemorySegment w, long off, int n, float[] dst) {
        for (int b = 0; b < n >> 5; b++, off += BLOCK_BYTES) {
            float d = half(w, off);
            for (int j = 0; j < 32; j += Simd.LANES) {
                ((FloatVector) ByteVector.fromMemorySegment(Simd.B, w, off + 2 + j, Simd.LE)
                        .convertShape(VectorOperators.B2F, Simd.F, 0)).mul(d).intoArray(dst, 32 * b + j);
            }
        }
    }

    private static float scalarDot(MemorySegment w, long off, int n, QuantizedActivations x, int token) {
        short[] aq = x.q32();
        float[] ad = x.d32();
        int blocks = n >> 5;
        int a = token * n;
        int ab = token * blocks;
        float acc = 0;
        for (int b = 0; b < blocks; b++, off += BLOCK_BYTES, a += 32) {
            int sum = 0;
            for (int j = 0; j < 32; j++) sum += w.get(BYTE, off + 2 + j) * aq[a + j];
            acc += half(w, off) * ad[ab + b] * sum;
        }
        return acc;
    }
}
