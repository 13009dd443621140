package hy.runtime.cpu;

import java.lang.foreign.MemorySegment;

/**
 * Turns one weight row, in whatever layout its matrix keeps, into floats: the only per-type part of the float product
 * of large batches ({@link FloatGemm}).
 */
interface RowDecoder {
    /** Writes the {@code n} weights of the row at byte {@code offset} of {@code w} to {@code dst[0, n)}, in {@link #order}. */
    void decode(MemorySegment w, long offset, int n, float[] dst);

    /**
     * The order the values come out in: null for natural order, else a permutation repeated over each run of
     * {@code order().length} weights, where {@code order()[p]} is the natural index of the value written at p (the
     * packed layouts decode fastest in their own order, see {@link PackedQ4#NATURAL}).
     */
    default int[] order() {
        return null;
    }
}
