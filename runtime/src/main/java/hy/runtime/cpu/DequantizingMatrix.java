package hy.runtime.cpu;

import hy.runtime.quant.QuantCodec;
import hy.runtime.quant.QuantCodecs;
import hy.runtime.tensor.GgmlType;
import hy.runtime.tensor.Tensor;

/**
 * The fallback for weight types without a vector kernel (Q2_K, Q3_K, the IQ2/IQ3/IQ1 grids, ...): each row is
 * dequantized with the reference codec and multiplied in float. Slow, but every type the codecs read can run.
 */
public final class DequantizingMatrix implements WeightMatrix {
    private final Tensor w;
    private final QuantCodec codec;
    private final int rows;

    public DequantizingMatrix(Tensor w) {
        this.w = w;
        this.codec = QuantCodecs.of(w.type(), w.name());
        this.rows = Math.toIntExact(w.ne(1));
    }

    @Override
    public GgmlType type() {
        return w.type();
    }

    @Override
    public int rowLength() {
        return w.rowLength();
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public void prepare(QuantizedActivations x) {
        // Reads the float values directly; large batches through the float product's panel.
        if (FloatGemm.worthIt(x.tokens())) x.preparePanel(null);
    }

    @Override
    public void multiply(QuantizedActivations x, float[] y, int yOffset, int yStride, int rowStart, int rowEnd) {
        int n = w.rowLength();
        float[] panel = x.panel(null);
        if (panel != null) {
            MatMul.checkArguments(w.name(), n, rows, x, y, yOffset, yStride, rowStart, rowEnd);
            FloatGemm.multiply(RowDecoders.of(w.type(), w.name()), w.data(), w.rowBytes(), n, panel, x.tokens(), y,
                    yOffset, yStride, rowStart, rowEnd);
            return;
        }
        float[] row = new float[n];
        float[] values = x.values();
        for (int r = rowStart; r < rowEnd; r++) {
            codec.dequantize(w.data(), w.rowOffset(r), row, 0, n);
            for (int t = 0; t < x.tokens(); t++) {
                float s = 0;
                for (int i = 0; i < n; i++) s += row[i] * values[t * n + i];
                y[yOffset + t * yStride + r] = s;
            }
        }
    }

    @Override
    public String toString() {
        return w + " (dequantizing fallback)";
    }
}
