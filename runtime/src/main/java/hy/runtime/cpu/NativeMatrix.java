package hy.runtime.cpu;

import hy.runtime.tensor.GgmlType;
import hy.runtime.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A weight matrix multiplied by the native kernels ({@link NativeKernels}) at every batch size: 8-bit activations,
 * integer dot products (VNNI where the CPU has it). Its bytes are the file's, in place, or a copy in
 * {@link Interleaved}'s layout (-rtr).
 */
final class NativeMatrix implements WeightMatrix {
    private final String name;
    private final GgmlType type;
    private final NativeKernels.Layout layout;
    private final MemorySegment data;
    private final long rowBytes;
    private final int rowLength;
    private final int rows;
    private final ActivationFormat format;
    private final NativeKernels.Products products;

    private NativeMatrix(String name, GgmlType type, NativeKernels.Layout layout, MemorySegment data, int rowLength,
            int rows, NativeKernels.Products products) {
        this.name = name;
        this.type = type;
        this.layout = layout;
        this.data = data;
        this.rowBytes = type.rowBytes(rowLength);
        this.rowLength = rowLength;
        this.rows = rows;
        this.format = ActivationFormat.forWeights(type, name);
        this.products = products;
    }

    /** A 2-D tensor in place. */
    static NativeMatrix inPlace(Tensor w, NativeKernels.Products products) {
        if (w.dims() > 2 && w.rowCount() != w.ne(1)) {
            throw new IllegalArgumentException("tensor " + w + " is stacked; take one matrix with slice2d first");
        }
        return new NativeMatrix(w.toString(), w.type(), NativeKernels.Layout.IN_PLACE, w.data(), w.rowLength(),
                Math.toIntExact(w.ne(1)), products);
    }

    /**
     * Every matrix of {@code w} (2-D, or 3-D stacked experts: index = expert) copied into {@link Interleaved}'s
     * layout in {@code arena}, on {@code pool}.
     */
    static NativeMatrix[] interleaved(Tensor w, Arena arena, CpuPool pool, NativeKernels.Products products) {
        MemorySegment all = Interleaved.pack(w, arena, pool);
        int rows = Math.toIntExact(w.ne(1));
        int count = Math.toIntExact(w.rowCount() / rows);
        long bytes = Interleaved.matrixBytes(w.type(), w.rowLength(), rows);
        NativeMatrix[] m = new NativeMatrix[count];
        for (int e = 0; e < count; e++) {
            m[e] = new NativeMatrix(count == 1 ? w.name() : w.name() + "[" + e + "]", w.type(), NativeKernels.Layout.R16,
                    all.asSlice(e * bytes, bytes), w.rowLength(), rows, products);
        }
        return m;
    }

    @Override
    public int rowGranule(int tokens) {
        return layout == NativeKernels.Layout.R16 ? Interleaved.ROWS : 1;
    }

    @Override
    public GgmlType type() {
        return type;
    }

    @Override
    public int rowLength() {
        return rowLength;
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public void prepare(QuantizedActivations x) {
        x.prepareNative(format);
    }

    @Override
    public void multiply(QuantizedActivations x, float[] y, int yOffset, int yStride, int rowStart, int rowEnd) {
        products.multiply(type, layout, data, rowBytes, rowLength, rows, x, y, yOffset, yStride, rowStart, rowEnd);
    }

    @Override
    public String toString() {
        return name + " native " + products.isa().label() + (layout == NativeKernels.Layout.R16 ? " interleaved" : "");
    }
}
