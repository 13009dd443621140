package hy.runtime.cpu;

import java.lang.foreign.MemorySegment;

/**
 * The dot product of one weight row in its stored format with one token's activations. One implementation per weight
 * type and flavour (vector or scalar); {@link MatMul} drives them over rows and tokens.
 */
interface RowKernel {
    /** The activation form this kernel reads (the caller prepares it). */
    ActivationFormat format();

    /** dot(W[row], x[token]) for the {@code n} weights starting at byte {@code offset} of {@code w}. */
    float dot(MemorySegment w, long offset, int n, QuantizedActivations x, int token);
}
