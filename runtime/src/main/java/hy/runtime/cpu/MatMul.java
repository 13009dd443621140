package hy.runtime.cpu;

import hy.runtime.tensor.GgmlType;
import hy.runtime.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * Products of a weight matrix in its stored (GGUF) format with activation vectors: {@code y[t][r] = dot(W[r], x[t])}.
 * Callers split the work by output rows (each call computes a row range, so a {@link CpuPool} task can take one).
 *
 * <p>With several tokens the rows are taken in small tiles and every token is multiplied with a tile while its
 * weights are still in cache, so the weights stream from memory once per call, not once per token. Batches whose
 * activations were prepared as a float panel (by {@link WeightMatrix#prepare}, for {@link FloatGemm#MIN_TOKENS} tokens
 * or more) decode each tile to float once and multiply it with all tokens in {@link FloatGemm}.
 */
public final class MatMul {
    /** Weight bytes per row tile: a tile is reused across all tokens, so it should sit in L1/L2. */
    private static final long TILE_BYTES = 16 * 1024;

    private MatMul() {}

    /**
     * Computes {@code y[yOffset + t * yStride + r] = dot(row r of w, token t of x)} for rows {@code [rowStart,
     * rowEnd)} and every token of {@code x}. {@code w} is a 2-D tensor {in, out} (use {@link Tensor#slice2d} for one
     * expert); {@code x} must have been {@link QuantizedActivations#prepare prepared} for {@code w}'s type, or by
     * {@link WeightMatrix#prepare} of {@link #matrix}(w) (which picks the float product for large batches).
     */
    public static void multiply(Tensor w, QuantizedActivations x, float[] y, int yOffset, int yStride,
            int rowStart, int rowEnd) {
        RowKernel kernel = RowKernels.of(w.type(), w.name());
        checkArguments(w.name(), w.rowLength(), w.rowCount(), x, y, yOffset, yStride, rowStart, rowEnd);
        float[] panel = x.panel(null);
        if (panel != null) {
            FloatGemm.multiply(RowDecoders.of(w.type(), w.name()), w.data(), w.rowBytes(), w.rowLength(), panel,
                    x.tokens(), y, yOffset, yStride, rowStart, rowEnd);
            return;
        }
        x.check(kernel.format());
        rows(kernel, w.data(), w.rowBytes(), w.rowLength(), x, x.tokens(), y, yOffset, yStride, rowStart, rowEnd);
    }

    /**
     * Row ranges handed to {@link WeightMatrix#multiply} for a batch of {@code tokens} should be multiples of this
     * (the float product decodes rows in tiles; a range that ends inside one computes the whole tile).
     */
    public static int rowGranule(int tokens) {
        return FloatGemm.worthIt(tokens) ? FloatGemm.ROWS : 1;
    }

    /** Whether the CPU kernels can multiply weights of {@code type} (the others must be requantized or run elsewhere). */
    public static boolean supports(GgmlType type) {
        return RowKernels.supports(type);
    }

    /**
     * {@code w} (2-D) as a {@link WeightMatrix} computed in place, in the file's layout: by the native kernels where
     * they run this type ({@link NativeKernels}), else by the Java kernels ({@link #javaMatrix}).
     */
    public static WeightMatrix matrix(Tensor w) {
        NativeKernels.Products products = NativeKernels.activeProducts();
        if (products != null && NativeKernels.supports(w.type())) return NativeMatrix.inPlace(w, products);
        return javaMatrix(w);
    }

    /** {@code w} (2-D) as a {@link WeightMatrix} computed in place by the Java kernels (the native ones' oracle). */
    public static WeightMatrix javaMatrix(Tensor w) {
        RowKernel kernel = RowKernels.of(w.type(), w.name());
        if (w.dims() > 2 && w.rowCount() != w.ne(1)) {
            throw new IllegalArgumentException("tensor " + w + " is stacked; take one matrix with slice2d first");
        }
        int rows = Math.toIntExact(w.ne(1));
        return new WeightMatrix() {
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
                if (FloatGemm.worthIt(x.tokens())) x.preparePanel(null);
                else x.prepare(kernel.format());
            }

            @Override
            public void multiply(QuantizedActivations x, float[] y, int yOffset, int yStride, int rowStart, int rowEnd) {
                MatMul.multiply(w, x, y, yOffset, yStride, rowStart, rowEnd);
            }

            @Override
            public String toString() {
                return w.toString();
            }
        };
    }

    /** Validates a product's shapes and output range; the messages name the tensor. */
    static void checkArguments(String name, int rowLength, long rows, QuantizedActivations x, float[] y, int yOffset,
            int yStride, int rowStart, int rowEnd) {
        if (rowLength != x.length()) {
            throw new IllegalArgumentException("tensor " + name + " has rows of " + rowLength + " weights but the "
                    + "activations have " + x.length() + " values");
        }
        Objects.checkFromToIndex(rowStart, rowEnd, rows);
        if (x.tokens() == 0) throw new IllegalStateException("no activations set");
        if (rowEnd > rowStart) {
            if (yOffset < 0 || yStride < 0) throw new IndexOutOfBoundsException("negative output offset or stride");
            Objects.checkFromIndexSize(yOffset, (long) (x.tokens() - 1) * yStride + rowEnd, y.length);
        }
    }

    /** Which kernels this JVM uses (native instruction set, Java vector width or scalar), for benchmark and log headers. */
    public static String describeKernels() {
        return "cpu kernels: " + NativeKernels.describe() + "; Java kernels: " + Simd.describe();
    }

    static void rows(RowKernel kernel, MemorySegment data, long rowBytes, int n, QuantizedActivations x, int tokens,
            float[] y, int yOffset, int yStride, int rowStart, int rowEnd) {
        if (tokens == 1) {
            long off = rowStart * rowBytes;
            for (int r = rowStart; r < rowEnd; r++, off += rowBytes) y[yOffset + r] = kernel.dot(data, off, n, x, 0);
            return;
        }
        int tile = (int) Math.max(1, TILE_BYTES / rowBytes);
        for (int r0 = rowStart; r0 < rowEnd; r0 += tile) {
            int r1 = Math.min(rowEnd, r0 + tile);
            for (int t = 0; t < tokens; t++) {
                long off = r0 * rowBytes;
                int out = yOffset + t * yStride;
                for (int r = r0; r < r1; r++, off += rowBytes) y[out + r] = kernel.dot(data, off, n, x, t);
            }
        }
    }
}
