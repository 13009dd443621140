package hy.runtime.quant;

/** ggml's scalar rounding conventions, which the quantizers must follow to produce the same codes. */
final class QuantMath {
    private QuantMath() {}

    /**
     * ggml's {@code nearest_int}: adds 1.5·2^23 in float so the FPU rounds half to even. {@link Math#rint} gives the
     * same integer for every input that function accepts (|x| ≤ 2^22).
     */
    static int nearestInt(float x) {
        return (int) Math.rint(x);
    }

    /**
     * C's {@code roundf}: half away from zero. Done in double so that adding 0.5 cannot round up
     * (0.49999997f + 0.5f is 1.0f in float arithmetic).
     */
    static int roundAway(float x) {
        double a = Math.floor(Math.abs((double) x) + 0.5);
        return (int) (x < 0 ? -a : a);
    }
}
