package hy.runtime.cpu;

import static org.junit.jupiter.api.Assertions.*;

import hy.runtime.gguf.GgufFile;
import hy.runtime.testing.SharedData;
import hy.runtime.tensor.GgmlType;
import hy.runtime.tensor.Tensor;
import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class MatMulTest {
    static final List<GgmlType> TYPES = List.of(GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q4_0,
            GgmlType.Q4_1, GgmlType.Q5_0, GgmlType.Q5_1, GgmlType.Q8_0, GgmlType.IQ4_NL, GgmlType.Q4_K,
            GgmlType.Q5_K, GgmlType.Q6_K, GgmlType.IQ4_XS);

    static List<GgmlType> types() {
        return TYPES;
    }

    @ParameterizedTest
    @MethodSource("types")
    void matvecMatchesDequantizedProduct(GgmlType type) {
        int n = 512;
        int rows = 37;
        try (Arena arena = Arena.ofConfined()) {
            Tensor w = KernelCheck.weights(arena, type, n, rows, 11);
            float[] x = KernelCheck.activations(n, 1, 5);
            QuantizedActivations q = new QuantizedActivations(n, 1);
            q.set(x, 0, n, 1);
            q.prepare(type);
            float[] y = new float[rows];
            MatMul.multiply(w, q, y, 0, rows, 0, rows);
            assertRowsMatch(w, x, y, 0, 0, 1, 0, rows, rows, false);
        }
    }

    @ParameterizedTest
    @MethodSource("types")
    void matmulOverTokensAndRowRangesMatchesDequantizedProduct(GgmlType type) {
        int n = 768;
        int rows = 45;
        int tokens = 5;
        try (Arena arena = Arena.ofConfined()) {
            Tensor w = KernelCheck.weights(arena, type, n, rows, 13);
            int block = ActivationFormat.forWeights(type, "w").blockSize;
            float[] x = new float[(n + 7) * tokens];  // stride n + 7: tokens are not packed
            float[] xPacked = KernelCheck.exactActivations(n, tokens, Math.max(block, 32), 17);
            for (int t = 0; t < tokens; t++) System.arraycopy(xPacked, t * n, x, 3 + t * (n + 7), n);
            QuantizedActivations q = new QuantizedActivations(n, 8);
            q.set(x, 3, n + 7, tokens);
            q.prepare(type);
            int yOffset = 2;
            int yStride = rows + 3;
            float[] y = new float[yOffset + tokens * yStride];
            Arrays.fill(y, Float.NaN);
            // Two calls over adjacent ranges, as two pool tasks would make them; odd sizes on purpose.
            MatMul.multiply(w, q, y, yOffset, yStride, 1, 20);
            MatMul.multiply(w, q, y, yOffset, yStride, 20, 44);
            assertRowsMatch(w, xPacked, y, yOffset, yStride, tokens, 1, 44, rows, true);
            for (int t = 0; t < tokens; t++) {
                assertTrue(Float.isNaN(y[yOffset + t * yStride]), "row 0 is outside the range and must stay untouched");
                assertTrue(Float.isNaN(y[yOffset + t * yStride + 44]), "row 44 is outside the range");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("types")
    void vectorAndScalarKernelsAgree(GgmlType type) {
        int n = 1024;
        int rows = 9;
        try (Arena arena = Arena.ofConfined()) {
            Tensor w = KernelCheck.weights(arena, type, n, rows, 19);
            float[] x = KernelCheck.activations(n, 2, 23);
            QuantizedActivations q = new QuantizedActivations(n, 2);
            q.set(x, 0, n, 2);
            q.prepare(type);
            RowKernel vector = RowKernels.of(type, "w");
            RowKernel scalar = RowKernels.scalarOf(type);
            for (int t = 0; t < 2; t++) {
                for (int r = 0; r < rows; r++) {
                    float v = vector.dot(w.data(), w.rowOffset(r), n, q, t);
                    float s = scalar.dot(w.data(), w.rowOffset(r), n, q, t);
                    double[] wr = KernelCheck.dequantizedRow(w, r);
                    double magnitude = 0;
                    for (int i = 0; i < n; i++) magnitude += Math.abs(wr[i] * x[t * n + i]);
                    // Same integer products on both sides; only float summation order differs.
                    assertEquals(s, v, 2e-6 * magnitude, type + " row " + r + " token " + t);
                }
            }
        }
    }

    /** Every supported type against the independent dequantization in shared/testdata/quant_vectors.gguf. */
    @Test
    void matchesReferenceVectors() throws Exception {
        try (GgufFile f = GgufFile.open(SharedData.path("testdata/quant_vectors.gguf"))) {
            int checked = 0;
            for (GgmlType type : TYPES) {
                String name = type.name().toLowerCase(Locale.ROOT);
                if (!f.hasTensor(name + ".q")) continue;
                Tensor w = f.tensor(name + ".q");
                Tensor ref = f.tensor(name + ".ref");
                int n = w.rowLength();
                int rows = (int) w.rowCount();
                int block = Math.max(32, ActivationFormat.forWeights(type, "w").blockSize);
                float[] x = KernelCheck.exactActivations(n, 1, block, 29);
                QuantizedActivations q = new QuantizedActivations(n, 1);
                q.set(x, 0, n, 1);
                q.prepare(type);
                float[] y = new float[rows];
                MatMul.multiply(w, q, y, 0, rows, 0, rows);
                for (int r = 0; r < rows; r++) {
                    double[] wr = new double[n];
                    for (int i = 0; i < n; i++) {
                        wr[i] = ref.data().getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, (long) r * n + i);
                    }
                    double expected = KernelCheck.dot(wr, x, 0);
                    double bound = KernelCheck.roundingBound(wr, x, 0);
                    assertEquals(expected, y[r], bound, type + " row " + r);
                }
                checked++;
            }
            assertEquals(TYPES.size() - 1, checked, "every type but F32 has reference vectors");
        }
    }

    @Test
    void rejectsMismatchedShapesAndUnpreparedActivations() {
        try (Arena arena = Arena.ofConfined()) {
            Tensor w = KernelCheck.weights(arena, GgmlType.Q4_0, 256, 4, 1);
            QuantizedActivations q = new QuantizedActivations(512, 1);
            q.set(new float[512], 0, 512, 1);
            q.prepare(GgmlType.Q4_0);
            var e = assertThrows(IllegalArgumentException.class, () -> MatMul.multiply(w, q, new float[4], 0, 4, 0, 4));
            assertTrue(e.getMessage().contains("256") && e.getMessage().contains("512"), e.getMessage());
            QuantizedActivations fresh = new QuantizedActivations(256, 1);
            fresh.set(new float[256], 0, 256, 1);
            assertThrows(IllegalStateException.class, () -> MatMul.multiply(w, fresh, new float[4], 0, 4, 0, 4));
            fresh.prepare(GgmlType.Q4_0);
            assertThrows(IndexOutOfBoundsException.class, () -> MatMul.multiply(w, fresh, new float[4], 0, 4, 0, 5));
            assertThrows(IndexOutOfBoundsException.class, () -> MatMul.multiply(w, fresh, new float[3], 0, 4, 0, 4));
            Tensor q2k = new Tensor("x", GgmlType.Q2_K, new long[] {256, 1}, arena.allocate(84));
            var u = assertThrows(hy.runtime.tensor.UnsupportedTypeException.class,
                    () -> MatMul.multiply(q2k, fresh, new float[1], 0, 1, 0, 1));
            assertTrue(u.getMessage().contains("Q2_K"), u.getMessage());
        }
    }

    static void assertRowsMatch(Tensor w, float[] x, float[] y, int yOffset, int yStride, int tokens,
            int rowStart, int rowEnd, int rows, boolean exact) {
        int n = w.rowLength();
        ActivationFormat format = ActivationFormat.forWeights(w.type(), w.name());
        for (int r = rowStart; r < rowEnd; r++) {
            double[] wr = KernelCheck.dequantizedRow(w, r);
            for (int t = 0; t < tokens; t++) {
                double expected = KernelCheck.dot(wr, x, t * n);
                double bound = exact ? KernelCheck.roundingBound(wr, x, t * n) : KernelCheck.bound(wr, x, t * n, format);
                assertEquals(expected, y[yOffset + t * yStride + r], bound, w.type() + " row " + r + " token " + t);
            }
        }
    }
}
