package hy.runtime.cpu.backend;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Rotate-half ("neox") rotary embedding: pairs (i, i + d/2) rotate by pos · base^(−2i/d). The inverse frequencies
 * are computed once per (d, base) in double precision.
 */
final class Rope {
    private static final ConcurrentHashMap<String, Rope> CACHE = new ConcurrentHashMap<>();

    private final int headDim;
    private final double[] invFreq;

    private Rope(int headDim, double base) {
        this.headDim = headDim;
        this.invFreq = new double[headDim / 2];
        for (int i = 0; i < headDim / 2; i++) invFreq[i] = Math.pow(base, -2.0 * i / headDim);
    }

    static Rope of(int headDim, double base) {
        return CACHE.computeIfAbsent(headDim + "/" + base, key -> new Rope(headDim, base));
    }

    void apply(float[] x, int at, int pos) {
        int half = headDim / 2;
        for (int i = 0; i < half; i++) {
            double angle = pos * invFreq[i];
            float c = (float) Math.cos(angle), s = (float) Math.sin(angle);
            float x0 = x[at + i], x1 = x[at + i + half];
            x[at + i] = x0 * c - x1 * s;
            x[at + i + half] = x0 * s + x1 * c;
        }
    }
}
