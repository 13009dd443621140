package hy.cuda.selftest;

import hy.runtime.quant.QuantCodecs;
import hy.runtime.tensor.GgmlType;
import hy.runtime.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

/**
 * Random weight tensors in memory: rows of Gaussian values scaled by 1/√rowLength (unit-norm rows, so products stay
 * near 1), encoded by the Java codecs exactly as a converted GGUF would hold them.
 */
public final class TestTensors {
    private final Arena arena;
    private final Random rng;

    public TestTensors(Arena arena, Random rng) {
        this.arena = arena;
        this.rng = rng;
    }

    /** A {rowLength, rows, experts} tensor (experts = 1 gives a matrix). */
    public Tensor matrix(String name, GgmlType type, int rowLength, int rows, int experts) {
        long[] ne = experts == 1 ? new long[] {rowLength, rows} : new long[] {rowLength, rows, experts};
        long rowBytes = type.rowBytes(rowLength);
        long count = (long) rows * experts;
        MemorySegment data = arena.allocate(rowBytes * count, 64);
        float[] row = new float[rowLength];
        float scale = (float) (1 / Math.sqrt(rowLength));
        for (long r = 0; r < count; r++) {
            for (int i = 0; i < rowLength; i++) row[i] = (float) rng.nextGaussian() * scale;
            QuantCodecs.quantizeRow(type, row, 0, rowLength, data, r * rowBytes);
        }
        return new Tensor(name, type, ne, data);
    }

    /** A 1-D F32 tensor of values around {@code center} (norm weights). */
    public Tensor vector(String name, int n, float center, float spread) {
        MemorySegment data = arena.allocate(4L * n, 64);
        for (int i = 0; i < n; i++) data.setAtIndex(ValueLayout.JAVA_FLOAT, i, center + spread * (float) rng.nextGaussian());
        return new Tensor(name, GgmlType.F32, new long[] {n}, data);
    }

    /** n Gaussian floats times {@code scale}. */
    public float[] values(int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) rng.nextGaussian() * scale;
        return v;
    }

    public Random random() {
        return rng;
    }

    public Arena arena() {
        return arena;
    }
}
