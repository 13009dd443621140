package hy.runtime.cpu;

import static org.junit.jupiter.api.Assertions.*;

import hy.runtime.tensor.GgmlType;
import hy.runtime.tensor.Tensor;
import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The float product of large batches against the double-precision reference, with awkward shapes and ranges. */
class FloatGemmTest {
    static List<GgmlType> types() {
        return MatMulTest.TYPES;
    }

    @Test
    void largeBatchesTakeTheFloatPath() {
        assertTrue(FloatGemm.MIN_TOKENS > 1 && FloatGemm.MIN_TOKENS <= 32, "threshold " + FloatGemm.MIN_TOKENS);
        assertEquals(Simd.ENABLED, FloatGemm.worthIt(FloatGemm.MIN_TOKENS));
        assertFalse(FloatGemm.worthIt(FloatGemm.MIN_TOKENS - 1));
        assertEquals(Simd.ENABLED ? FloatGemm.ROWS : 1, MatMul.rowGranule(100));
        assertEquals(1, MatMul.rowGranule(1));
    }

    /**
     * 45 rows (three tiles and a partial one), ranges cut inside tiles, and token counts whose last pass has a
     * full pair of vectors, more than one vector, or at most one vector of tokens.
     */
    @ParameterizedTest
    @MethodSource("types")
    void inPlaceMatrixMatchesTheReference(GgmlType type) {
        try (Arena arena = Arena.ofConfined()) {
            Tensor w = KernelCheck.weights(arena, type, 768, 45, 61);
            for (int tokens : new int[] {FloatGemm.MIN_TOKENS, 37, 2 * FloatGemm.TOKENS, 2 * FloatGemm.TOKENS + 18}) {
                checkAgainstReference(w, MatMul.javaMatrix(w), tokens);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q4_0", "Q4_K", "Q5_K", "Q6_K", "IQ4_XS"})
    void packedMatrixMatchesTheReference(GgmlType type) {
        Assumptions.assumeTrue(PackedWeights.canPack(type, 2 * PackedQ4.STEP), "vector kernels off");
        try (Arena arena = Arena.ofConfined()) {
            Tensor w = KernelCheck.weights(arena, type, 2 * PackedQ4.STEP, 30, 67);
            checkAgainstReference(w, PackedWeights.pack(w, arena), 41);
        }
    }

    @Test
    void dequantizingFallbackMatchesTheReference() {
        try (Arena arena = Arena.ofConfined()) {
            Tensor w = KernelCheck.weights(arena, GgmlType.Q6_K, 512, 26, 71);   // any codec type; this one has a generator
            checkAgainstReference(w, new DequantizingMatrix(w), 20);
        }
    }

    /**
     * Each output is one sum in a fixed order, so cutting the rows differently gives the same bits (Java float
     * product and the native kernels alike).
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void resultsDoNotDependOnRowRanges(boolean nativeKernels) {
        try (Arena arena = Arena.ofConfined()) {
            Tensor w = KernelCheck.weights(arena, GgmlType.Q8_0, 512, 40, 73);
            WeightMatrix m = nativeKernels ? MatMul.matrix(w) : MatMul.javaMatrix(w);
            int tokens = 35;
            QuantizedActivations q = activations(KernelCheck.activations(512, tokens, 79), 512, tokens);
            m.prepare(q);
            float[] whole = new float[tokens * 40];
            float[] cut = new float[tokens * 40];
            m.multiply(q, whole, 0, 40, 0, 40);
            for (int r = 0; r < 40; r += 7) m.multiply(q, cut, 0, 40, r, Math.min(40, r + 7));
            assertArrayEquals(whole, cut);
        }
    }

    /** A batch prepared for packed weights and for in-place ones at once keeps both panels. */
    @Test
    void onePreparedBatchServesPackedAndPlainMatrices() {
        try (Arena arena = Arena.ofConfined()) {
            int n = PackedQ4.STEP;
            Tensor w = KernelCheck.weights(arena, GgmlType.Q4_0, n, 12, 83);
            WeightMatrix packed = PackedWeights.pack(w, arena);
            WeightMatrix plain = MatMul.javaMatrix(w);
            int tokens = 24;
            float[] x = KernelCheck.activations(n, tokens, 89);
            QuantizedActivations q = activations(x, n, tokens);
            packed.prepare(q);
            plain.prepare(q);
            assertNotNull(q.panel(PackedQ4.NATURAL));
            assertNotNull(q.panel(null));
            float[] a = new float[tokens * 12];
            float[] b = new float[tokens * 12];
            packed.multiply(q, a, 0, 12, 0, 12);
            plain.multiply(q, b, 0, 12, 0, 12);
            for (int i = 0; i < a.length; i++) {
                double[] wr = KernelCheck.dequantizedRow(w, i % 12);
                assertEquals(b[i], a[i], KernelCheck.roundingBound(wr, x, i / 12 * n), "output " + i);
            }
            q.set(x, 0, n, tokens);
            assertNull(q.panel(null), "set() makes the panels stale");
        }
    }

    private static QuantizedActivations activations(float[] x, int n, int tokens) {
        QuantizedActivations q = new QuantizedActivations(n, tokens + 3);
        q.set(x, 0, n, tokens);
        return q;
    }

    /** Two adjacent ranges that cut tiles, with an output offset and a stride wider than the rows. */
    private static void checkAgainstReference(Tensor w, WeightMatrix m, int tokens) {
        int n = w.rowLength();
        int rows = m.rows();
        float[] x = KernelCheck.activations(n, tokens, 97 + tokens);
        QuantizedActivations q = activations(x, n, tokens);
        m.prepare(q);
        assertEquals(Simd.ENABLED, q.panel(m instanceof PackedWeights ? PackedQ4.NATURAL : null) != null);
        int yOffset = 3;
        int yStride = rows + 5;
        float[] y = new float[yOffset + tokens * yStride];
        Arrays.fill(y, Float.NaN);
        int cut = rows / 2 - 1;
        m.multiply(q, y, yOffset, yStride, 1, cut);
        m.multiply(q, y, yOffset, yStride, cut, rows - 1);
        for (int t = 0; t < tokens; t++) {
            assertTrue(Float.isNaN(y[yOffset + t * yStride]), "row 0 is outside the ranges");
            assertTrue(Float.isNaN(y[yOffset + t * yStride + rows - 1]), "the last row is outside the ranges");
            for (int r = rows; r < yStride; r++) assertTrue(Float.isNaN(y[yOffset + t * yStride + r]), "gap " + r);
        }
        for (int r = 1; r < rows - 1; r++) {
            double[] wr = KernelCheck.dequantizedRow(w, r);
            for (int t = 0; t < tokens; t++) {
                // No activation quantization on this path: float rounding is the only error.
                assertEquals(KernelCheck.dot(wr, x, t * n), y[yOffset + t * yStride + r],
                        KernelCheck.roundingBound(wr, x, t * n), w.type() + " row " + r + " token " + t + " of " + tokens);
            }
        }
    }
}
