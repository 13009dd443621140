package hy.runtime.cpu.backend;

import hy.runtime.cpu.MatMul;

/**
 * How a matrix product is cut into pool tasks: blocks of rows large enough that a task costs tens of microseconds,
 * small enough that every thread gets several (uneven tasks then balance through the pool's shared counter).
 */
final class RowSplit {
    private RowSplit() {}

    /**
     * Rows per task for a matrix of {@code rows} rows of {@code rowBytes} each on {@code threads} threads, multiplied
     * with {@code tokens} tokens. Large batches cost ~tokens times more per row, so balance alone decides, in whole
     * tiles of the float product ({@link MatMul#rowGranule}).
     */
    static int rowsPerTask(int rows, long rowBytes, int threads, int tokens) {
        int byBalance = Math.max(1, rows / (threads * 4));
        int granule = MatMul.rowGranule(tokens);
        if (granule > 1) return Math.max(granule, byBalance / granule * granule);
        int byTime = (int) Math.max(4, (64L << 10) / Math.max(1, rowBytes)); // ≥ ~64 KiB of weights per task
        return Math.max(1, Math.min(byTime, byBalance));
    }

    static int tasks(int rows, int perTask) {
        return (rows + perTask - 1) / perTask;
    }
}
