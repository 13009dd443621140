package hy.runtime.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Dot products and scaled adds of float arrays with the kernels' vector width (scalar when hy.cpu.simd=off), for the
 * CPU backend's small ops such as attention over head-sized rows.
 */
public final class FloatVectors {
    private FloatVectors() {}

    /** Σ a[aAt + i]·b[bAt + i] over i < n. */
    public static float dot(float[] a, int aAt, float[] b, int bAt, int n) {
        int i = 0;
        float s = 0;
        if (Simd.ENABLED) {
            FloatVector acc = FloatVector.zero(Simd.F);
            for (; i <= n - Simd.LANES; i += Simd.LANES) {
                acc = FloatVector.fromArray(Simd.F, a, aAt + i).fma(FloatVector.fromArray(Simd.F, b, bAt + i), acc);
            }
            s = Simd.sum(acc);
        }
        for (; i < n; i++) s += a[aAt + i] * b[bAt + i];
        return s;
    }

    /** y[yAt + i] += s·x[xAt + i] over i < n. */
    public static void addScaled(float s, float[] x, int xAt, float[] y, int yAt, int n) {
        int i = 0;
        if (Simd.ENABLED) {
            FloatVector sv = FloatVector.broadcast(Simd.F, s);
            for (; i <= n - Simd.LANES; i += Simd.LANES) {
                FloatVector.fromArray(Simd.F, x, xAt + i).fma(sv, FloatVector.fromArray(Simd.F, y, yAt + i)).intoArray(y, yAt + i);
            }
        }
        for (; i < n; i++) y[yAt + i] += s * x[xAt + i];
    }
}
