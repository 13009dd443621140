package hy.runtime.cpu;

import hy.runtime.tensor.GgmlType;
import hy.runtime.tensor.Tensor;
import java.lang.foreign.Arena;

/** Child-JVM body of {@link SimdWidthTest}: exits 1 when a vector kernel disagrees with its scalar reference. */
public final class SimdWidthCheck {
    private SimdWidthCheck() {}

    /** A batch large enough for the float product, whose last pass is partial at every width. */
    private static final int BATCH = 20;

    /**
     * A batch through {@code m} (prepared as the backend does) against the dequantized product, where it takes the
     * float path (without vectors it takes the integer kernels, checked above); returns mismatches.
     */
    private static int checkBatch(WeightMatrix m, Tensor w) {
        if (!FloatGemm.worthIt(BATCH)) return 0;
        int n = w.rowLength();
        int rows = m.rows();
        float[] x = KernelCheck.activations(n, BATCH, 43);   // used unquantized: float rounding is the only error
        QuantizedActivations q = new QuantizedActivations(n, BATCH);
        q.set(x, 0, n, BATCH);
        m.prepare(q);
        float[] y = new float[BATCH * rows];
        m.multiply(q, y, 0, rows, 0, rows);
        int failures = 0;
        for (int r = 0; r < rows; r++) {
            double[] wr = KernelCheck.dequantizedRow(w, r);
            for (int t = 0; t < BATCH; t++) {
                double expected = KernelCheck.dot(wr, x, t * n);
                if (!(Math.abs(expected - y[t * rows + r]) <= KernelCheck.roundingBound(wr, x, t * n))) {
                    System.out.println(m + " batch row " + r + " token " + t + ": " + y[t * rows + r] + " expected " + expected);
                    failures++;
                }
            }
        }
        return failures;
    }

    public static void main(String[] args) {
        System.out.println(MatMul.describeKernels());
        int n = 1024;   // a whole packed chunk at 16 lanes
        int rows = 5;
        int failures = 0;
        int packedChecked = 0;
        try (Arena arena = Arena.ofConfined()) {
            for (GgmlType type : MatMulTest.TYPES) {
                Tensor w = KernelCheck.weights(arena, type, n, rows, 31);
                float[] x = KernelCheck.activations(n, 1, 37);
                QuantizedActivations q = new QuantizedActivations(n, 1);
                q.set(x, 0, n, 1);
                q.prepare(type);
                float[] y = new float[rows];
                MatMul.multiply(w, q, y, 0, rows, 0, rows);
                // Packed kernels quantize activations per 32 (the unpacked K-quant ones per 256), so they are checked
                // against the dequantized product with activations that 32-blocks represent exactly.
                float[] xExact = KernelCheck.exactActivations(n, 1, 32, 41);
                float[] yPacked = null;
                if (PackedWeights.canPack(type, n)) {
                    PackedWeights packed = PackedWeights.pack(w, arena);
                    QuantizedActivations qExact = new QuantizedActivations(n, 1);
                    qExact.set(xExact, 0, n, 1);
                    packed.prepare(qExact);
                    yPacked = new float[rows];
                    packed.multiply(qExact, yPacked, 0, rows, 0, rows);
                    packedChecked++;
                }
                failures += checkBatch(MatMul.javaMatrix(w), w);
                if (PackedWeights.canPack(type, n)) failures += checkBatch(PackedWeights.pack(w, arena), w);
                RowKernel scalar = RowKernels.scalarOf(type);
                for (int r = 0; r < rows; r++) {
                    float s = scalar.dot(w.data(), w.rowOffset(r), n, q, 0);
                    double[] wr = KernelCheck.dequantizedRow(w, r);
                    double tolerance = KernelCheck.roundingBound(wr, x, 0);
                    if (!(Math.abs(s - y[r]) <= tolerance)) {
                        System.out.println(type + " row " + r + ": vector " + y[r] + " scalar " + s);
                        failures++;
                    }
                    double exact = KernelCheck.dot(wr, xExact, 0);
                    if (yPacked != null && !(Math.abs(exact - yPacked[r]) <= KernelCheck.roundingBound(wr, xExact, 0))) {
                        System.out.println(type + " packed row " + r + ": " + yPacked[r] + " expected " + exact);
                        failures++;
                    }
                }
            }
        }
        System.out.println("checked " + MatMulTest.TYPES.size() + " types, " + packedChecked + " packed, " + failures
                + " mismatches; batches of " + BATCH + " on the " + (FloatGemm.worthIt(BATCH) ? "float" : "integer")
                + " path");
        System.exit(failures == 0 ? 0 : 1);
    }
}
