package hy.cuda.selftest;

/**
 * Error bounds by the arithmetic a kernel path uses (relative L2 against the float32 CPU reference): copies and
 * decodes must be exact; float32 paths differ only in summation order; tensor-core paths round weights and
 * activations to f16 (11-bit mantissa) before multiplying, accumulating in float32.
 */
public enum Precision {
    EXACT(0), FLOAT32(5e-5), TENSOR_CORE_F16(4e-3);

    public final double bound;

    Precision(double bound) {
        this.bound = bound;
    }
}
