package hy.runtime.util;

/** The softmax the model needs in several places (router probabilities, attention scores), one implementation. */
public final class Softmax {
    private Softmax() {}

    /** In place over x[at, at + n): max subtracted for range, the normaliser summed in double. */
    public static void inPlace(float[] x, int at, int n) {
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
}
