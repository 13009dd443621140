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
}
