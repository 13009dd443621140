package hy.runtime.cpu;

import hy.runtime.tensor.GgmlType;

/**
 * A weight matrix the CPU kernels can multiply: either a tensor used in place ({@link MatMul#matrix}) or a copy
 * repacked at load time for faster kernels ({@link PackedWeights}). Rows are output features.
 */
public interface WeightMatrix {
    GgmlType type();

    /** Weights per row (the input length). */
    int rowLength();

    int rows();

    /** Quantizes {@code x} to the form this matrix's kernel reads (idempotent until the next {@code x.set}). */
    void prepare(QuantizedActivations x);

    /**
     * {@code y[yOffset + t * yStride + r] = dot(row r, token t of x)} for rows {@code [rowStart, rowEnd)} and all
     * tokens of {@code x}, which must have been {@link #prepare prepared}. Safe to call from many threads at once on
     * disjoint row ranges.
     */
    void multiply(QuantizedActivations x, float[] y, int yOffset, int yStride, int rowStart, int rowEnd);

    /**
     * Row ranges handed to {@link #multiply} for a batch of {@code tokens} start at multiples of this (the float
     * product decodes tiles of rows; interleaved native matrices hold groups of 16 rows).
     */
    default int rowGranule(int tokens) {
        return MatMul.rowGranule(tokens);
    }
}
