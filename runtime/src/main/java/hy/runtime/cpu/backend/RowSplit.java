package hy.runtime.cpu.backend;

import hy.runtime.cpu.WeightMatrix;

/**
 * How a matrix product is cut into pool tasks: blocks of rows large enough that a task costs tens of microseconds,
 * small enough that every thread gets several (uneven tasks then balance through the pool's shared counter).
 */
final class RowSplit {
    private RowSplit() {}

    /**
     * Weight bytes a decode task streams at least (KiB; {@code -Dhy.cpu.taskKiB}). 256 rather than 64: in-place
     * native decode on the dev box ran ~20 % faster with the longer streams (file 1: 27 → 33 t/s), -rtr unchanged.
     */
    private static final long TASK_KIB = Long.getLong("hy.cpu.taskKiB", 256);

    /**
     * Rows per task for a matrix of {@code rows} rows of {@code rowBytes} each on {@code threads} threads, multiplied
     * with {@code tokens} tokens, in multiples of {@code granule} rows ({@link WeightMatrix#rowGranule}). Large
     * batches cost ~tokens times more per row, so there balance alone decides.
     */
    static int rowsPerTask(int rows, long rowBytes, int threads, int tokens, int granule) {
        int byBalance = Math.max(1, rows / (threads * 4));
        if (granule > 1) return Math.max(granule, byBalance / granule * granule);
        int byTime = (int) Math.max(4, (TASK_KIB << 10) / Math.max(1, rowBytes)); // ≥ ~256 KiB of weights per task
        int per = Math.max(1, Math.min(byTime, byBalance));
        return granule == 1 ? per : Math.max(granule, (per + granule - 1) / granule * granule);
    }

    static int tasks(int rows, int perTask) {
        return (rows + perTask - 1) / perTask;
    }
}
