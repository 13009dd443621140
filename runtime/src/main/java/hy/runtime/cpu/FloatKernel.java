package hy.runtime.cpu;

import static hy.runtime.cpu.Layouts.FLOAT_LE;
import static hy.runtime.cpu.Layouts.SHORT_LE;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/** F32, F16 and BF16 weights against the float activations: widen to float, fused multiply-add, one reduction. */
final class FloatKernel implements RowKernel {
    enum Kind { F32, F16, BF16 }

    static final FloatKernel F32 = new FloatKernel(Kind.F32, Simd.ENABLED);
    static final FloatKernel F16 = new FloatKernel(Kind.F16, Simd.ENABLED);
    static final FloatKernel BF16 = new FloatKernel(Kind.BF16, Simd.ENABLED);

    private final Kind kind;
    private final boolean vector;

    private FloatKernel(Kind kind, boolean vector) {
        this.kind = kind;
        this.vector = vector;
    }

    FloatKernel scalar() {
        return new FloatKernel(kind, false);
    }

    @Override
    public ActivationFormat format() {
        return ActivationFormat.FLOAT;
    }

    @Override
    public float dot(MemorySegment w, long off, int n, QuantizedActivations x, int token) {
        float[] a = x.values();
        int base = token * n;
        if (!vector) return scalarDot(w, off, n, a, base);
        return switch (kind) {
            case F32 -> dotF32(w, off, n, a, base);
            case F16 -> dotHalf(w, off, n, a, base, false);
            case BF16 -> dotHalf(w, off, n, a, base, true);
        };
    }

    private static float dotF32(MemorySegment w, long off, int n, float[] a, int base) {
        FloatVector acc = FloatVector.zero(Simd.F);
        for (int i = 0; i < n; i += Simd.LANES, off += 4L * Simd.LANES) {
            acc = FloatVector.fromMemorySegment(Simd.F, w, off, Simd.LE)
                    .fma(FloatVector.fromArray(Simd.F, a, base + i), acc);
        }
        return Simd.sum(acc);
    }

    private static float dotHalf(MemorySegment w, long off, int n, float[] a, int base, boolean bf16) {
        FloatVector acc = FloatVector.zero(Simd.F);
        for (int i = 0; i < n; i += Simd.LANES, off += 2L * Simd.LANES) {
            ShortVector h = ShortVector.fromMemorySegment(Simd.S, w, off, Simd.LE);
            FloatVector v = bf16 ? Simd.bf16ToFloat(h) : Simd.halfToFloat(h);
            acc = v.fma(FloatVector.fromArray(Simd.F, a, base + i), acc);
        }
        return Simd.sum(acc);
    }

    private float scalarDot(MemorySegment w, long off, int n, float[] a, int base) {
        float acc = 0;
        for (int i = 0; i < n; i++) {
            float v = switch (kind) {
                case F32 -> w.get(FLOAT_LE, off + 4L * i);
                case F16 -> Float.float16ToFloat(w.get(SHORT_LE, off + 2L * i));
                case BF16 -> Float.intBitsToFloat(w.get(SHORT_LE, off + 2L * i) << 16);
            };
            acc += v * a[base + i];
        }
        return acc;
    }
}
