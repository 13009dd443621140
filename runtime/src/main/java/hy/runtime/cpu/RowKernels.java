package hy.runtime.cpu;

import hy.runtime.tensor.GgmlType;
import hy.runtime.tensor.UnsupportedTypeException;

/** Which {@link RowKernel} computes with which weight type. */
final class RowKernels {
    private RowKernels() {}

    /** Whether {@link MatMul} can multiply weights of this type. */
    static boolean supports(GgmlType type) {
        return switch (type) {
            case F32, F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, IQ4_NL, Q4_K, Q5_K, Q6_K, IQ4_XS -> true;
            default -> false;
        };
    }

    /** The kernel used for {@code type} (vector unless hy.cpu.simd=off or the CPU is narrower than 256 bits). */
    static RowKernel of(GgmlType type, String tensorName) {
        return switch (type) {
            case F32 -> FloatKernel.F32;
            case F16 -> FloatKernel.F16;
            case BF16 -> FloatKernel.BF16;
            case Q4_0 -> LegacyQuantKernel.Q4_0;
            case Q4_1 -> LegacyQuantKernel.Q4_1;
            case Q5_0 -> LegacyQuantKernel.Q5_0;
            case Q5_1 -> LegacyQuantKernel.Q5_1;
            case Q8_0 -> Q8_0Kernel.VECTOR;
            case IQ4_NL -> Iq4Kernel.NL;
            case IQ4_XS -> Iq4Kernel.XS;
            case Q4_K -> Q4KKernel.Q4_K;
            case Q5_K -> Q4KKernel.Q5_K;
            case Q6_K -> Q6KKernel.VECTOR;
            default -> throw new UnsupportedTypeException(type, tensorName, "no CPU matrix kernel");
        };
    }

    /** The scalar kernel for {@code type}: the reference the vector kernels are tested against. */
    static RowKernel scalarOf(GgmlType type) {
        RowKernel k = of(type, type.name());
        return switch (k) {
            case FloatKernel f -> f.scalar();
            case LegacyQuantKernel l -> l.scalar();
            case Q8_0Kernel q -> Q8_0Kernel.SCALAR;
            case Iq4Kernel i -> i.scalar();
            case Q4KKernel q -> q.scalar();
            case Q6KKernel q -> Q6KKernel.SCALAR;
            default -> throw new IllegalStateException("no scalar flavour of " + k);
        };
    }
}
