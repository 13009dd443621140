package hy.runtime.convert;

import hy.runtime.quant.QuantCodec;
import hy.runtime.quant.QuantCodecs;
import hy.runtime.safetensors.SafetensorsTensor;
import hy.runtime.tensor.Tensor;
import java.util.List;

/** Ways to build {@link RowSource}s: from checkpoint tensors, from GGUF tensors, and by stacking or slicing others. */
public final class RowSources {
    private RowSources() {}

    /** A safetensors tensor's rows: its last dimension is the row (PyTorch {@code [out, in]} → ggml {in, out}). */
    public static RowSource of(SafetensorsTensor t) {
        int length = Math.toIntExact(t.rowLength());
        long rows = t.rowCount();
        return new RowSource() {
            @Override public int rowLength() { return length; }
            @Override public long rowCount() { return rows; }
            @Override public void readRow(long row, float[] dst, int offset) {
                t.readFloats(row * length, dst, offset, length);
            }
        };
    }

    /** A GGUF tensor's rows, dequantized (needs a dequantizer for its type). */
    public static RowSource of(Tensor t) {
        QuantCodec codec = QuantCodecs.of(t.type(), t.name());
        int length = t.rowLength();
        long rows = t.rowCount();
        return new RowSource() {
            @Override public int rowLength() { return length; }
            @Override public long rowCount() { return rows; }
            @Override public void readRow(long row, float[] dst, int offset) {
                codec.dequantize(t.data(), t.rowOffset(row), dst, offset, length);
            }
        };
    }

    /** The parts' rows one after another (e.g. per-expert matrices stacked into ggml's ne[2]); lengths must agree. */
    public static RowSource stack(List<RowSource> parts) {
        if (parts.isEmpty()) throw new IllegalArgumentException("nothing to stack");
        int length = parts.getFirst().rowLength();
        long perPart = parts.getFirst().rowCount();
        for (RowSource p : parts) {
            if (p.rowLength() != length || p.rowCount() != perPart) {
                throw new IllegalArgumentException("stacked parts differ in shape");
            }
        }
        RowSource[] array = parts.toArray(RowSource[]::new);
        long rows = perPart * array.length;
        return new RowSource() {
            @Override public int rowLength() { return length; }
            @Override public long rowCount() { return rows; }
            @Override public void readRow(long row, float[] dst, int offset) {
                array[(int) (row / perPart)].readRow(row % perPart, dst, offset);
            }
        };
    }

    /** Rows {@code first .. first + count} of {@code src} (e.g. the gate half of one expert in a fused gate_up). */
    public static RowSource window(RowSource src, long first, long count) {
        if (first < 0 || count < 0 || first + count > src.rowCount()) {
            throw new IllegalArgumentException("rows " + first + ".." + (first + count) + " outside 0.." + src.rowCount());
        }
        return new RowSource() {
            @Override public int rowLength() { return src.rowLength(); }
            @Override public long rowCount() { return count; }
            @Override public void readRow(long row, float[] dst, int offset) {
                src.readRow(first + row, dst, offset);
            }
        };
    }
}
