package hy.runtime.cpu;

import hy.runtime.tensor.GgmlType;
import hy.runtime.tensor.UnsupportedTypeException;

/** The form in which a weight type's kernels read the activations. */
enum ActivationFormat {
    /** The float values as given (float weight types). */
    FLOAT(1),
    /** int8 values with one float scale per 32 (ggml's Q8_0, as used with the 32-weight block types). */
    Q8_0(32),
    /** int8 values with one float scale per 256 and sums per 16 (ggml's Q8_K, used with K-quants and IQ4_XS). */
    Q8_K(256);

    /** Values sharing one scale. */
    final int blockSize;

    ActivationFormat(int blockSize) {
        this.blockSize = blockSize;
    }

    static ActivationFormat forWeights(GgmlType type, String tensorName) {
        return switch (type) {
            case F32, F16, BF16 -> FLOAT;
            case Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, IQ4_NL -> Q8_0;
            case Q4_K, Q5_K, Q6_K, IQ4_XS -> Q8_K;
            default -> throw new UnsupportedTypeException(type, tensorName, "no CPU matrix kernel");
        };
    }
}
