package hy.runtime.cpu;

import static org.junit.jupiter.api.Assertions.*;

import hy.runtime.tensor.GgmlType;
import hy.runtime.tensor.Tensor;
import java.lang.foreign.Arena;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PackedWeightsTest {
    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q4_0", "Q4_K", "Q5_K", "Q6_K", "IQ4_XS"})
    void packedMatchesTheDequantizedProductAndTheUnpackedKernel(GgmlType type) {
        int n = 2048;
        int rows = 23;
        int tokens = 3;
        try (Arena arena = Arena.ofConfined()) {
            Tensor w = KernelCheck.weights(arena, type, n, rows, 41);
            PackedWeights packed = PackedWeights.pack(w, arena);
            WeightMatrix plain = MatMul.matrix(w);
            float[] x = KernelCheck.exactActivations(n, tokens, 32, 43);
            QuantizedActivations q = new QuantizedActivations(n, tokens);
            q.set(x, 0, n, tokens);
            packed.prepare(q);
            plain.prepare(q);
            float[] y = new float[tokens * rows];
            float[] yPlain = new float[tokens * rows];
            Arrays.fill(y, Float.NaN);
            packed.multiply(q, y, 0, rows, 2, 9);
            packed.multiply(q, y, 0, rows, 9, rows);
            plain.multiply(q, yPlain, 0, rows, 0, rows);
            for (int t = 0; t < tokens; t++) {
                assertTrue(Float.isNaN(y[t * rows + 1]), "rows outside the range stay untouched");
                for (int r = 2; r < rows; r++) {
                    double[] wr = KernelCheck.dequantizedRow(w, r);
                    double bound = KernelCheck.roundingBound(wr, x, t * n);
                    assertEquals(KernelCheck.dot(wr, x, t * n), y[t * rows + r], bound, "row " + r + " token " + t);
                    // The unpacked Q4_K kernel quantizes activations per 256, the packed one per 32: compare the
                    // two only where the activations quantize exactly either way (Q4_0), else only with the reference.
                    if (type == GgmlType.Q4_0) assertEquals(yPlain[t * rows + r], y[t * rows + r], bound);
                }
            }
        }
    }

    @Test
    void expertsOfAStackedTensorArePackedAsViews() {
        int n = PackedQ4.STEP;
        int rows = 4;
        try (Arena arena = Arena.ofConfined()) {
            var data = arena.allocate(GgmlType.Q4_0.rowBytes(n) * rows * 3);
            hy.runtime.cpu.bench.RandomBlocks.fill(GgmlType.Q4_0, data, rows * 3L, n, 47);
            Tensor stacked = new Tensor("exps", GgmlType.Q4_0, new long[] {n, rows, 3}, data);
            PackedWeights all = PackedWeights.pack(stacked, arena);
            float[] x = KernelCheck.exactActivations(n, 1, 32, 53);
            QuantizedActivations q = new QuantizedActivations(n, 1);
            q.set(x, 0, n, 1);
            all.prepare(q);
            for (int e = 0; e < 3; e++) {
                Tensor expert = stacked.slice2d(e);
                float[] y = new float[rows];
                all.expert(e).multiply(q, y, 0, rows, 0, rows);
                for (int r = 0; r < rows; r++) {
                    double[] wr = KernelCheck.dequantizedRow(expert, r);
                    assertEquals(KernelCheck.dot(wr, x, 0), y[r], KernelCheck.roundingBound(wr, x, 0), "expert " + e);
                }
            }
            assertThrows(IndexOutOfBoundsException.class, () -> all.expert(3));
        }
    }

    @Test
    void packingOnAPoolGivesTheSameBytes() {
        int n = 2 * PackedQ4.STEP;
        int rows = 600;   // several pool tasks of 256 rows, the last one partial
        try (Arena arena = Arena.ofConfined(); CpuPool pool = new CpuPool(3)) {
            Tensor w = KernelCheck.weights(arena, GgmlType.Q4_0, n, rows, 59);
            Arena shared = Arena.ofShared();
            try {
                Tensor sharedW = new Tensor("w", GgmlType.Q4_0, new long[] {n, rows},
                        shared.allocate(w.byteSize()).copyFrom(w.data()));
                PackedWeights parallel = PackedWeights.pack(sharedW, shared, pool);
                PackedWeights serial = PackedWeights.pack(w, arena);
                assertEquals(serial.data().byteSize(), parallel.data().byteSize());
                assertEquals(-1, serial.data().mismatch(parallel.data()), "packed bytes differ");
            } finally {
                shared.close();
            }
        }
    }

    @Test
    void refusesWhatItCannotPack() {
        try (Arena arena = Arena.ofConfined()) {
            Tensor q8 = KernelCheck.weights(arena, GgmlType.Q8_0, 512, 2, 1);
            assertFalse(PackedWeights.canPack(GgmlType.Q8_0, 512));
            var e = assertThrows(IllegalArgumentException.class, () -> PackedWeights.pack(q8, arena));
            assertTrue(e.getMessage().contains("unpacked"), e.getMessage());
            assertFalse(PackedWeights.canPack(GgmlType.Q4_0, 96));
        }
    }
}
