package hy.runtime.cpu;

import hy.runtime.cpu.bench.RandomBlocks;
import hy.runtime.quant.QuantCodecs;
import hy.runtime.tensor.GgmlType;
import hy.runtime.tensor.Tensor;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;

/**
 * Shared checks of the matrix kernels against dequantize-then-multiply in double precision, with error bounds derived
 * from the data: quantizing an activation block with scale d moves each value by at most d/2, so a dot product moves
 * by at most Σ_blocks d_b/2 · Σ_{i∈b} |w_i|; float accumulation adds a relative error far below 1e-4 of Σ|w_i·x_i|.
 */
final class KernelCheck {
    private KernelCheck() {}

    /** Random activations with varying magnitude per block (so block scales differ) and a few exact zeros. */
    static float[] activations(int n, int tokens, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[n * tokens];
        for (int i = 0; i < x.length; i++) {
            double blockScale = Math.pow(10, ((i / 32) % 5) - 2);
            x[i] = random.nextInt(50) == 0 ? 0 : (float) (random.nextGaussian() * blockScale);
        }
        return x;
    }

    /**
     * Activations that 8-bit quantization with blocks of {@code block} represents exactly (every value is an integer
     * multiple of its block's max/127), so a kernel's only error is float rounding: a tight check that catches small
     * offset or scale mistakes which the quantization bound would hide.
     */
    static float[] exactActivations(int n, int tokens, int block, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[n * tokens];
        for (int b = 0; b < x.length; b += block) {
            float scale = (float) Math.pow(2, random.nextInt(-8, 4));
            for (int i = b; i < b + block; i++) x[i] = scale * random.nextInt(-127, 128);
            x[b + random.nextInt(block)] = scale * (random.nextBoolean() ? 127 : -127);
        }
        return x;
    }

    /** Random valid weights of {@code type}: rows × n, in memory owned by {@code arena}. */
    static Tensor weights(Arena arena, GgmlType type, int n, int rows, long seed) {
        var data = arena.allocate(type.rowBytes(n) * rows, 64);
        RandomBlocks.fill(type, data, rows, n, seed);
        return new Tensor("w." + type, type, new long[] {n, rows}, data);
    }

    /** The largest error a kernel may make for row {@code w} and token {@code x}, given the activation format. */
    static double bound(double[] w, float[] x, int xOffset, ActivationFormat format) {
        double magnitude = 0;
        for (int i = 0; i < w.length; i++) magnitude += Math.abs(w[i] * x[xOffset + i]);
        double quantization = 0;
        if (format != ActivationFormat.FLOAT) {
            int block = format.blockSize;
            for (int b = 0; b < w.length; b += block) {
                double amax = 0;
                double wsum = 0;
                for (int i = b; i < b + block; i++) {
                    amax = Math.max(amax, Math.abs(x[xOffset + i]));
                    wsum += Math.abs(w[i]);
                }
                quantization += amax / 127 / 2 * wsum;
            }
        }
        return 1.001 * quantization + 1e-4 * magnitude + 1e-30;
    }

    /** Float rounding only: for products whose activations quantize exactly (or float weights). */
    static double roundingBound(double[] w, float[] x, int xOffset) {
        double magnitude = 0;
        for (int i = 0; i < w.length; i++) magnitude += Math.abs(w[i] * x[xOffset + i]);
        return 1e-5 * magnitude + 1e-30;
    }

    static double[] dequantizedRow(Tensor w, int row) {
        float[] f = QuantCodecs.dequantizeRow(w, row);
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    static double dot(double[] w, float[] x, int xOffset) {
        double s = 0;
        for (int i = 0; i < w.length; i++) s += w[i] * x[xOffset + i];
        return s;
    }
}
