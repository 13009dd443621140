package hy.runtime.convert;

/**
 * Random weights for one tensor, a pure function of (seed, tensor index, row): any thread may produce any row, and
 * the bytes never depend on the thread count. Values are uniform with mean {@code center} and standard deviation
 * {@code std}. SplitMix64 gives two 32-bit draws per step; no allocation per element.
 */
final class SyntheticRows implements RowSource {
    private static final float SQRT3 = (float) Math.sqrt(3);

    private final long tensorSeed;
    private final int length;
    private final long rows;
    private final float center;
    private final float halfWidth;

    SyntheticRows(long seed, int tensorIndex, int length, long rows, float center, float std) {
        this.tensorSeed = mix(seed ^ mix(0x9E3779B97F4A7C15L * (tensorIndex + 1)));
        this.length = length;
        this.rows = rows;
        this.center = center;
        // A uniform on [−a, a] has standard deviation a/√3.
        this.halfWidth = std * SQRT3;
    }

    /** Weights of a tensor with this role: norms near 1, everything else with unit expected row norm (std 1/√fan_in). */
    static SyntheticRows forTensor(long seed, int tensorIndex, ModelTensor t) {
        if (t.role() == ModelTensor.Role.NORM) return new SyntheticRows(seed, tensorIndex, t.rowLength(), t.rowCount(), 1.0f, 0.05f);
        return new SyntheticRows(seed, tensorIndex, t.rowLength(), t.rowCount(), 0.0f, (float) (1 / Math.sqrt(t.rowLength())));
    }

    @Override
    public int rowLength() {
        return length;
    }

    @Override
    public long rowCount() {
        return rows;
    }

    @Override
    public void readRow(long row, float[] dst, int offset) {
        long state = mix(tensorSeed + 0xD1B54A32D192ED03L * (row + 1));
        float scale = halfWidth * 0x1p-31f;
        int i = 0;
        for (; i + 1 < length; i += 2) {
            state += 0x9E3779B97F4A7C15L;
            long z = mix(state);
            dst[offset + i] = center + scale * (int) z;
            dst[offset + i + 1] = center + scale * (int) (z >>> 32);
        }
        if (i < length) {
            state += 0x9E3779B97F4A7C15L;
            dst[offset + i] = center + scale * (int) mix(state);
        }
    }

    /** SplitMix64's finaliser (Steele, Lea, Flood 2014). */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
