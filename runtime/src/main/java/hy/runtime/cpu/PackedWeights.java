package hy.runtime.cpu;

import hy.runtime.tensor.GgmlType;
import hy.runtime.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * A weight matrix copied once, at load time, into a layout made for the vector kernels (like llama.cpp's run-time
 * repacking): the same number of bytes as the file's blocks, but reordered so that one wide load feeds several blocks.
 * Q4_0, Q4_K, Q5_K, Q6_K and IQ4_XS are packed so far ({@link #canPack}); use {@link MatMul#matrix} for the rest. The copy lives in
 * {@code arena}, so the mapped file's pages are not read again and can be dropped by the OS.
 */
public final class PackedWeights implements WeightMatrix {
    private final String name;
    private final GgmlType type;
    private final int rowLength;
    private final int rows;
    private final long rowBytes;
    private final MemorySegment data;

    private PackedWeights(String name, GgmlType type, int rowLength, int rows, MemorySegment data) {
        this.name = name;
        this.type = type;
        this.rowLength = rowLength;
        this.rows = rows;
        this.rowBytes = PackedQ4.rowBytes(type, rowLength);
        this.data = data;
    }

    /** Whether {@link #pack} supports tensors of this type and row length (with the vector kernels enabled). */
    public static boolean canPack(GgmlType type, long rowLength) {
        return Simd.ENABLED && rowLength <= Integer.MAX_VALUE && PackedQ4.canPack(type, (int) rowLength);
    }

    /**
     * Repacks every row of {@code w} (2-D, or 3-D stacked experts; see {@link #expert}) into memory from {@code arena},
     * using the threads of {@code pool} (the copy streams the whole tensor once; at load time that is the cost).
     * @throws IllegalArgumentException when {@link #canPack} is false
     */
    public static PackedWeights pack(Tensor w, Arena arena, CpuPool pool) {
        if (!canPack(w.type(), w.ne(0))) {
            throw new IllegalArgumentException("cannot repack " + w + " for the CPU kernels (only Q4_0, Q4_K, Q5_K, Q6_K and IQ4_XS with rows"
                    + " a multiple of " + PackedQ4.STEP + ", vector kernels enabled); use it unpacked");
        }
        int n = w.rowLength();
        long sourceBytes = w.rowBytes();
        long rowBytes = PackedQ4.rowBytes(w.type(), n);
        long rowCount = w.rowCount();
        MemorySegment dst = arena.allocate(rowBytes * rowCount, 64);
        int rowsPerTask = 256;
        int tasks = Math.toIntExact((rowCount + rowsPerTask - 1) / rowsPerTask);
        pool.parallelFor(tasks, (task, worker) -> {
            byte[] in = new byte[(int) sourceBytes];
            byte[] quants = new byte[n];
            byte[] out = new byte[(int) rowBytes];
            long end = Math.min(rowCount, (long) (task + 1) * rowsPerTask);
            for (long r = (long) task * rowsPerTask; r < end; r++) {
                PackedQ4.packRow(w.type(), w.data(), r * sourceBytes, dst, r * rowBytes, n, in, quants, out);
            }
        });
        return new PackedWeights(w.name(), w.type(), n, Math.toIntExact(w.ne(1)), dst);
    }

    /** {@link #pack(Tensor, Arena, CpuPool)} on the calling thread alone. */
    public static PackedWeights pack(Tensor w, Arena arena) {
        try (CpuPool one = new CpuPool(1)) {
            return pack(w, arena, one);
        }
    }

    /** The matrix of expert {@code e} of a packed 3-D tensor (a view, nothing copied). */
    public PackedWeights expert(int e) {
        long bytes = rowBytes * rows;
        Objects.checkIndex(e, data.byteSize() / bytes);
        return new PackedWeights(name + "[" + e + "]", type, rowLength, rows, data.asSlice(e * bytes, bytes));
    }

    /** The packed bytes (tests compare them). */
    MemorySegment data() {
        return data;
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
        if (FloatGemm.worthIt(x.tokens())) x.preparePanel(PackedDecoders.of(type).order());
        else x.preparePacked();
    }

    @Override
    public void multiply(QuantizedActivations x, float[] y, int yOffset, int yStride, int rowStart, int rowEnd) {
        MatMul.checkArguments(name, rowLength, rows, x, y, yOffset, yStride, rowStart, rowEnd);
        RowDecoder decoder = PackedDecoders.of(type);
        float[] panel = x.panel(decoder.order());
        if (panel != null) {
            FloatGemm.multiply(decoder, data, rowBytes, rowLength, panel, x.tokens(), y, yOffset, yStride, rowStart, rowEnd);
            return;
        }
        x.q32Packed();
        RowKernel kernel = switch (type) {
            case Q4_0 -> PACKED_Q4_0;
            case Q4_K -> PACKED_Q4_K;
            case Q5_K -> PACKED_Q5_K;
            case IQ4_XS -> PACKED_IQ4_XS;
            default -> PACKED_Q6_K;
        };
        MatMul.rows(kernel, data, rowBytes, rowLength, x, x.tokens(), y, yOffset, yStride, rowStart, rowEnd);
    }

    private static final RowKernel PACKED_Q4_0 = new PackedKernel() {
        @Override
        public float dot(MemorySegment w, long offset, int n, QuantizedActivations x, int token) {
            return PackedQ4.dotQ4_0(w, offset, n, x, token);
        }
    };

    private static final RowKernel PACKED_Q4_K = new PackedKernel() {
        @Override
        public float dot(MemorySegment w, long offset, int n, QuantizedActivations x, int token) {
            return PackedQ4.dotQ4_K(w, offset, n, x, token);
        }
    };

    private static final RowKernel PACKED_Q5_K = new PackedKernel() {
        @Override
        public float dot(MemorySegment w, long offset, int n, QuantizedActivations x, int token) {
            return PackedQ4.dotQ5_K(w, offset, n, x, token);
        }
    };

    private static final RowKernel PACKED_IQ4_XS = new PackedKernel() {
        @Override
        public float dot(MemorySegment w, long offset, int n, QuantizedActivations x, int token) {
            return PackedQ4.dotIQ4_XS(w, offset, n, x, token);
        }
    };

    private static final RowKernel PACKED_Q6_K = new PackedKernel() {
        @Override
        public float dot(MemorySegment w, long offset, int n, QuantizedActivations x, int token) {
            return PackedQ6K.dot(w, offset, n, x, token);
        }
    };

    private abstract static class PackedKernel implements RowKernel {
        @Override
        public ActivationFormat format() {
            return ActivationFormat.Q8_0;
        }
    }

    @Override
    public String toString() {
        return name + " " + type + " packed [" + rowLength + ", " + rows + "]";
    }
}
