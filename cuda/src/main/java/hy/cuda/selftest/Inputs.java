package hy.cuda.selftest;

import hy.cuda.backend.CudaBackend;
import hy.runtime.backend.Activations;
import hy.runtime.backend.Backend;
import hy.runtime.tensor.GgmlType;
import hy.runtime.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Puts host values into a backend's activations and reads them back. The CPU backend has no write op, so its input
 * goes through {@code embed} of an F32 table holding the rows (a float32 embedding row is an exact copy).
 */
public final class Inputs {
    private Inputs() {}

    public static void write(Backend b, Activations a, float[] values, Arena arena) {
        if (values.length != a.tokens() * a.width()) throw new IllegalArgumentException(values.length + " values for " + a.tokens() + "×" + a.width());
        if (b instanceof CudaBackend g) {
            g.write(a, values);
            return;
        }
        MemorySegment data = arena.allocate(4L * values.length, 64);
        MemorySegment.copy(values, 0, data, ValueLayout.JAVA_FLOAT, 0, values.length);
        Tensor table = new Tensor("input", GgmlType.F32, new long[] {a.width(), a.tokens()}, data);
        int[] rows = new int[a.tokens()];
        for (int i = 0; i < rows.length; i++) rows[i] = i;
        b.embed(b.weight(table), rows, a);
    }

    public static float[] read(Backend b, Activations a) {
        float[] out = new float[a.tokens() * a.width()];
        if (b instanceof CudaBackend g) {
            g.read(a, out);
            return out;
        }
        float[] row = new float[a.width()];
        for (int t = 0; t < a.tokens(); t++) {
            b.read(a, t, row);
            System.arraycopy(row, 0, out, t * a.width(), a.width());
        }
        return out;
    }
}
