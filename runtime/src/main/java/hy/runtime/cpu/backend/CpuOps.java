package hy.runtime.cpu.backend;

/** Small element-wise ops shared by the CPU backend. */
final class CpuOps {
    private CpuOps() {}

    /** out = x / sqrt(mean(x²) + eps) · g over n elements (in place allowed). Sum in double: n is up to 4096. */
    static void rmsNorm(float[] x, int xAt, float[] g, float eps, float[] out, int outAt, int n) {
        double ss = 0;
        for (int i = 0; i < n; i++) ss += (double) x[xAt + i] * x[xAt + i];
        float scale = (float) (1.0 / Math.sqrt(ss / n + eps));
        for (int i = 0; i < n; i++) out[outAt + i] = x[xAt + i] * scale * g[i];
    }

    static float silu(float x) {
        return x / (1f + (float) Math.exp(-x));
    }

    /** In-place softmax over n elements. */
    static void softmax(float[] x, int at, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) max = Math.max(max, x[at + i]);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float e = (float) Math.exp(x[at + i] - max);
            x[at + i] = e;
            sum += e;
        }
        float inv = (float) (1.0 / sum);
        for (int i = 0; i < n; i++) x[at + i] *= inv;
    }

    static float dot(float[] a, int aAt, float[] b, int bAt, int n) {
        float s = 0;
        for (int i = 0; i < n; i++) s += a[aAt + i] * b[bAt + i];
        return s;
    }
}
