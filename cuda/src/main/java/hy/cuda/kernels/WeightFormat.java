package hy.cuda.kernels;

import hy.runtime.tensor.GgmlType;
import java.util.Locale;

/**
 * The weight types the CUDA kernels decode (kernels-ptx/src/quant_blocks.cuh, HY_FOR_EACH_WEIGHT_FORMAT), each with
 * the suffix of its kernels ("matvec_q4_k_n1"). Rows are walked in 32-weight units, so a row's length must be a
 * multiple of 32 (every quantized type's block already is).
 */
public enum WeightFormat {
    F32(GgmlType.F32), F16(GgmlType.F16), BF16(GgmlType.BF16),
    Q4_0(GgmlType.Q4_0), Q4_1(GgmlType.Q4_1), Q5_0(GgmlType.Q5_0), Q5_1(GgmlType.Q5_1), Q8_0(GgmlType.Q8_0),
    IQ4_NL(GgmlType.IQ4_NL), Q4_K(GgmlType.Q4_K), Q5_K(GgmlType.Q5_K), Q6_K(GgmlType.Q6_K), IQ4_XS(GgmlType.IQ4_XS);

    public static final int UNIT = 32;

    public final GgmlType type;

    WeightFormat(GgmlType type) {
        this.type = type;
    }

    /** "q4_k": the kernel-name suffix. */
    public String suffix() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The format for a ggml type, or null when the CUDA kernels cannot compute with it. */
    public static WeightFormat of(GgmlType t) {
        for (WeightFormat f : values()) if (f.type == t) return f;
        return null;
    }

    /**
     * Whether batched products may run on tensor cores (weights and activations rounded to f16). F32 weights are kept
     * in float32 arithmetic: a model stored in F32 is asked for full precision, and the router's top-k needs it.
     */
    public boolean tensorCores() {
        return this != F32;
    }

    /** 32-weight units in a row of {@code rowLength} weights. */
    public static int units(int rowLength) {
        if (rowLength % UNIT != 0) throw new IllegalArgumentException("row length " + rowLength + " is not a multiple of " + UNIT);
        return rowLength / UNIT;
    }
}
