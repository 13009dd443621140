package hy.runtime.quant;

import static org.junit.jupiter.api.Assertions.*;

import hy.runtime.tensor.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Round trips of every quantizer. The RMS bounds are about 10% above what ggml's reference algorithms give on
 * standard-normal data (measured: worst of 20 seeds), so a weaker search or a packing slip shows up here.
 */
class QuantizeRoundTripTest {
    private static final int N = 4096;
    private static final Arena ARENA = Arena.ofShared();

    @AfterAll
    static void free() {
        ARENA.close();
    }

    static Stream<Arguments> bounds() {
        return Stream.of(
                Arguments.of(GgmlType.F32, 0.0),
                Arguments.of(GgmlType.F16, 0.00025),
                Arguments.of(GgmlType.BF16, 0.0020),
                Arguments.of(GgmlType.Q8_0, 0.0062),
                Arguments.of(GgmlType.Q6_K, 0.021),
                Arguments.of(GgmlType.Q5_K, 0.042),
                Arguments.of(GgmlType.Q5_1, 0.045),
                Arguments.of(GgmlType.Q5_0, 0.051),
                Arguments.of(GgmlType.Q4_K, 0.083),
                Arguments.of(GgmlType.Q4_1, 0.092),
                Arguments.of(GgmlType.Q4_0, 0.100),
                Arguments.of(GgmlType.IQ4_NL, 0.088),
                Arguments.of(GgmlType.IQ4_XS, 0.088));
    }

    static Stream<GgmlType> quantizable() {
        return Arrays.stream(GgmlType.values()).filter(QuantCodecs::canQuantize);
    }

    static float[] gaussian(long seed, int n, float sigma) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) r.nextGaussian() * sigma;
        return x;
    }

    static MemorySegment quantize(GgmlType t, float[] x) {
        MemorySegment q = ARENA.allocate(t.rowBytes(x.length));
        QuantCodecs.quantizeRow(t, x, 0, x.length, q, 0);
        return q;
    }

    static float[] roundTrip(GgmlType t, float[] x) {
        float[] back = new float[x.length];
        QuantCodecs.of(t, "test").dequantize(quantize(t, x), 0, back, 0, x.length);
        return back;
    }

    static double relativeRms(float[] x, float[] y) {
        double err = 0;
        double sig = 0;
        for (int i = 0; i < x.length; i++) {
            err += ((double) y[i] - x[i]) * ((double) y[i] - x[i]);
            sig += (double) x[i] * x[i];
        }
        return Math.sqrt(err / sig);
    }

    @ParameterizedTest
    @MethodSource("bounds")
    void gaussianErrorWithinReferenceBound(GgmlType t, double bound) {
        double rms = relativeRms(gaussian(11, N, 1f), roundTrip(t, gaussian(11, N, 1f)));
        assertTrue(rms <= bound, t + ": relative RMS " + rms + " above " + bound);
        // The same relative error at the scale of real weights, where block scales are still normal halves.
        double small = relativeRms(gaussian(12, N, 0.02f), roundTrip(t, gaussian(12, N, 0.02f)));
        assertTrue(small <= bound * 1.05, t + ": relative RMS at sigma 0.02 " + small);
    }

    @Test
    void boundsCoverEveryQuantizer() {
        assertEquals(quantizable().toList(), bounds().map(a -> (GgmlType) a.get()[0]).sorted().toList());
    }

    @Test
    void searchingQuantizersBeatTheirPlainCounterparts() {
        float[] x = gaussian(13, N, 1f);
        assertTrue(relativeRms(x, roundTrip(GgmlType.Q4_K, x)) < relativeRms(x, roundTrip(GgmlType.Q4_1, x)));
        assertTrue(relativeRms(x, roundTrip(GgmlType.Q5_K, x)) < relativeRms(x, roundTrip(GgmlType.Q5_1, x)));
        assertTrue(relativeRms(x, roundTrip(GgmlType.IQ4_NL, x)) < relativeRms(x, roundTrip(GgmlType.Q4_0, x)));
    }

    @ParameterizedTest
    @MethodSource("quantizable")
    void zerosStayZeros(GgmlType t) {
        for (float v : roundTrip(t, new float[N])) assertEquals(0f, v, 0f, t.toString());
    }

    @ParameterizedTest
    @MethodSource("quantizable")
    void constantRowIsNearlyExact(GgmlType t) {
        float[] x = new float[N];
        Arrays.fill(x, 0.37f);
        // Only the rounding of the block scale to a half (or bf16) is left.
        assertTrue(relativeRms(x, roundTrip(t, x)) < 0.0025, t.toString());
    }

    @ParameterizedTest
    @MethodSource("quantizable")
    void outlierIsKeptAndNeighboursStayBounded(GgmlType t) {
        float[] x = gaussian(14, N, 0.01f);
        x[77] = 100f;
        float[] y = roundTrip(t, x);
        assertEquals(100f, y[77], 0.05f, t + " outlier");
        for (float v : y) assertTrue(Float.isFinite(v) && Math.abs(v) <= 100.05f, t + " decoded " + v);
        // IQ4 has no zero level: the outlier's block neighbours land on ±d, 0.79 here; other types zero them.
        assertTrue(relativeRms(x, y) < 0.05, t + " relative RMS " + relativeRms(x, y));
    }

    @ParameterizedTest
    @MethodSource("quantizable")
    void tinyValuesStayFiniteAndBounded(GgmlType t) {
        // Scales below the half range underflow (as in ggml): precision is lost, but nothing blows up.
        float[] x = gaussian(15, N, 1e-6f);
        float max = 0;
        for (float v : x) max = Math.max(max, Math.abs(v));
        for (float v : roundTrip(t, x)) assertTrue(Float.isFinite(v) && Math.abs(v) <= 2 * max, t + " decoded " + v);
    }

    @ParameterizedTest
    @MethodSource("quantizable")
    void writesExactlyOneRowAtAnUnalignedOffset(GgmlType t) {
        float[] x = gaussian(16, 512, 1f);
        long bytes = t.rowBytes(512);
        MemorySegment buf = ARENA.allocate(bytes + 10);
        buf.fill((byte) 0x5A);
        QuantCodecs.quantizeRow(t, x, 0, 512, buf, 3);
        for (long i : new long[] {0, 1, 2, bytes + 3, bytes + 9}) assertEquals(0x5A, BlockBytes.u8(buf, i), t + " byte " + i);
        float[] y = new float[512];
        QuantCodecs.of(t, "test").dequantize(buf, 3, y, 0, 512);
        assertArrayEquals(roundTrip(t, x), y, t.toString());
    }

    @ParameterizedTest
    @MethodSource("quantizable")
    void concurrentQuantizationMatchesSequential(GgmlType t) throws Exception {
        float[] x = gaussian(17, N, 1f);
        MemorySegment expected = quantize(t, x);
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(4)) {
            var futures = new java.util.ArrayList<java.util.concurrent.Future<MemorySegment>>();
            for (int i = 0; i < 8; i++) futures.add(pool.submit(() -> quantize(t, x)));
            for (var f : futures) assertEquals(-1, f.get().mismatch(expected), t.toString());
        }
    }

    /** Codes that a quantizer produced are reproduced when their decoded values are quantized again. */
    @ParameterizedTest
    @MethodSource("idempotentTypes")
    void requantizingDecodedValuesGivesTheSameBytes(GgmlType t) {
        float[] x = gaussian(18, N, 1f);
        MemorySegment q = quantize(t, x);
        float[] y = new float[N];
        QuantCodecs.of(t, "test").dequantize(q, 0, y, 0, N);
        assertEquals(-1, quantize(t, y).mismatch(q), t.toString());
    }

    static Stream<GgmlType> idempotentTypes() {
        return Stream.of(GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q5_0,
                GgmlType.Q4_1, GgmlType.Q5_1);
    }
}
