package hy.runtime.cpu.backend;

import hy.runtime.quant.QuantCodec;
import hy.runtime.quant.QuantCodecs;
import hy.runtime.tensor.Tensor;

/** Dequantize-a-row-then-dot matmul: slow and simple, the correctness baseline for the optimised kernels. */
final class ReferenceMatmul {
    private ReferenceMatmul() {}

    private static final int ROWS_PER_TASK = 16;

    /** y[t][r] = W[r] · x[t] for rows [0, rows) of a 2-D weight; x and y hold {@code tokens} rows. */
    static void matmul(Tensor w, float[] x, int xAt, int tokens, float[] y, int yAt, int yWidth) {
        int n = w.rowLength();
        int rows = (int) w.ne(1);
        QuantCodec codec = QuantCodecs.of(w.type(), w.name());
        int tasks = (rows + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
        Parallel.forEach(tasks, task -> {
            float[] row = new float[n];
            int r1 = Math.min(rows, (task + 1) * ROWS_PER_TASK);
            for (int r = task * ROWS_PER_TASK; r < r1; r++) {
                codec.dequantize(w.data(), w.rowOffset(r), row, 0, n);
                for (int t = 0; t < tokens; t++) {
                    int xo = xAt + t * n;
                    float s = 0;
                    for (int i = 0; i < n; i++) s += row[i] * x[xo + i];
                    y[yAt + t * yWidth + r] = s;
                }
            }
        });
    }
}
