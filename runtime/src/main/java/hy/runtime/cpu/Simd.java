package hy.runtime.cpu;

import java.nio.ByteOrder;
import java.util.Locale;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector shapes every kernel uses, chosen once per JVM. Kernels work in {@link #LANES} lanes at every element
 * width: int8 weights are loaded as {@link #B} (LANES bytes), widened to {@link #S} (LANES shorts) for the integer
 * products, and scaled as {@link #F} (LANES floats). With 512-bit floats that is 16 lanes (bytes in 128 bits, shorts in
 * 256); with 256-bit floats 8 lanes. The species are static finals so that C2 sees constants and intrinsifies.
 *
 * <p>System property {@code hy.cpu.simd}: {@code auto} (default: the widest the CPU prefers, 512 or 256 bits of
 * floats), {@code 512}, {@code 256}, or {@code off} (scalar kernels). Below 256 bits (e.g. 128-bit NEON) the scalar
 * kernels are used, because 8-lane floats would not be native there.
 */
final class Simd {
    private Simd() {}

    /** Whether the vector kernels are used; false selects the scalar kernels. */
    static final boolean ENABLED;
    /** Lanes per vector at every element width (16 or 8). */
    static final int LANES;
    static final VectorSpecies<Float> F;
    static final VectorSpecies<Integer> I;
    static final VectorSpecies<Short> S;
    static final VectorSpecies<Byte> B;
    /** 16 bytes at once, for the 16-entry table lookups (IQ4 types) whatever {@link #LANES} is. */
    static final VectorSpecies<Byte> B16 = ByteVector.SPECIES_128;
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    static {
        String mode = System.getProperty("hy.cpu.simd", "auto").toLowerCase(Locale.ROOT);
        int preferredBits = FloatVector.SPECIES_PREFERRED.vectorBitSize();
        int bits = switch (mode) {
            case "auto" -> preferredBits >= 512 ? 512 : preferredBits >= 256 ? 256 : 0;
            case "512" -> 512;
            case "256" -> 256;
            case "off", "scalar" -> 0;
            default -> throw new IllegalArgumentException("hy.cpu.simd must be auto, 512, 256 or off, got " + mode);
        };
        ENABLED = bits > 0;
        LANES = bits > 0 ? bits / 32 : 8;
        F = FloatVector.SPECIES_512.withShape(VectorShape.forBitSize(LANES * 32));
        I = IntVector.SPECIES_512.withShape(VectorShape.forBitSize(LANES * 32));
        S = ShortVector.SPECIES_256.withShape(VectorShape.forBitSize(LANES * 16));
        B = ByteVector.SPECIES_128.withShape(VectorShape.forBitSize(LANES * 8));
    }

    // Lane i <-> lane i ^ d: the steps of sum()'s fixed tree (static finals so that C2 sees constant shuffles).
    private static final VectorShuffle<Float> SWAP8 = VectorShuffle.fromOp(F, i -> LANES > 8 ? i ^ 8 : i);
    private static final VectorShuffle<Float> SWAP4 = VectorShuffle.fromOp(F, i -> i ^ 4);
    private static final VectorShuffle<Float> SWAP2 = VectorShuffle.fromOp(F, i -> i ^ 2);
    private static final VectorShuffle<Float> SWAP1 = VectorShuffle.fromOp(F, i -> i ^ 1);

    /**
     * The sum of {@code v}'s lanes in a fixed tree (lane i + lane i ^ LANES/2, then ^ LANES/4, …): the same bits
     * whether or not C2 has compiled the caller. The Vector API's {@code reduceLanes(ADD)} leaves the order open and
     * adds in another order once intrinsified, which made identical runs differ in the last bit.
     */
    static float sum(FloatVector v) {
        if (LANES > 8) v = v.add(v.rearrange(SWAP8));
        v = v.add(v.rearrange(SWAP4));
        v = v.add(v.rearrange(SWAP2));
        return v.add(v.rearrange(SWAP1)).lane(0);
    }

    /** A short line naming the choice, for benchmarks and logs. */
    static String describe() {
        return ENABLED
                ? "Vector API, " + LANES + " lanes (" + LANES * 32 + "-bit floats); CPU prefers "
                        + FloatVector.SPECIES_PREFERRED.vectorBitSize() + "-bit"
                : "scalar kernels (hy.cpu.simd=" + System.getProperty("hy.cpu.simd", "auto") + ", CPU prefers "
                        + FloatVector.SPECIES_PREFERRED.vectorBitSize() + "-bit)";
    }

    /** Widens LANES int8 values to LANES shorts (sign-extending). */
    static ShortVector widen(ByteVector v) {
        return (ShortVector) v.convertShape(VectorOperators.B2S, S, 0);
    }

    /** Converts LANES shorts to LANES floats. */
    static FloatVector toFloat(ShortVector v) {
        return (FloatVector) v.convertShape(VectorOperators.S2F, F, 0);
    }

    /** Converts LANES ints to LANES floats. */
    static FloatVector toFloat(IntVector v) {
        return (FloatVector) v.convert(VectorOperators.I2F, 0);
    }

    /** Converts LANES shorts to LANES ints. */
    static IntVector toInt(ShortVector v) {
        return (IntVector) v.convertShape(VectorOperators.S2I, I, 0);
    }

    /**
     * Converts LANES IEEE half floats (raw bits) to floats with integer operations (the Vector API has no half-float
     * conversion): the exponent and mantissa move up by 13 bits and a multiply by 2^112 rebiases the exponent, which
     * also handles zeros and subnormals exactly. Infinities and NaNs come out as large finite values; they never
     * occur in weights or scales.
     */
    static FloatVector halfToFloat(ShortVector h) {
        IntVector bits = (IntVector) h.convertShape(VectorOperators.S2I, I, 0);
        IntVector magnitude = bits.and(0x7fff).lanewise(VectorOperators.LSHL, 13);
        IntVector sign = bits.and(0x8000).lanewise(VectorOperators.LSHL, 16);
        FloatVector value = magnitude.reinterpretAsFloats().mul(0x1p112f);
        return value.reinterpretAsInts().or(sign).reinterpretAsFloats();
    }

    /** Converts LANES bfloat16 values (raw bits) to floats: they are the upper halves of the float bits. */
    static FloatVector bf16ToFloat(ShortVector h) {
        IntVector bits = (IntVector) h.convertShape(VectorOperators.S2I, I, 0);
        return bits.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }
}
