package hy.runtime.tensor;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A named, typed view over tensor bytes (usually a slice of a memory-mapped GGUF file; nothing is copied).
 * Shapes are in ggml order: {@code ne[0]} is the contiguous row length, {@code ne[1]} the row count of one matrix,
 * {@code ne[2]} the expert index for stacked expert tensors.
 */
public record Tensor(String name, GgmlType type, long[] ne, MemorySegment data) {

    public Tensor {
        ne = ne.clone();
    }

    public long[] ne() {
        return ne.clone();
    }

    public long ne(int dim) {
        return dim < ne.length ? ne[dim] : 1;
    }

    public int dims() {
        return ne.length;
    }

    public long elementCount() {
        long n = 1;
        for (long d : ne) n = Math.multiplyExact(n, d);
        return n;
    }

    /** Weights per row (ne[0]). */
    public int rowLength() {
        return Math.toIntExact(ne[0]);
    }

    /** Rows in the whole tensor (product of ne[1..]). */
    public long rowCount() {
        long n = 1;
        for (int i = 1; i < ne.length; i++) n *= ne[i];
        return n;
    }

    public long rowBytes() {
        return type.rowBytes(ne[0]);
    }

    /** Bytes of the whole tensor. */
    public long byteSize() {
        return rowBytes() * rowCount();
    }

    /** Byte offset of row {@code r} within {@link #data()}. */
    public long rowOffset(long r) {
        return r * rowBytes();
    }

    /** The view of one matrix of a stacked tensor (e.g. one expert of {@code ffn_up_exps}): ne[0..1] kept. */
    public Tensor slice2d(long index) {
        long rows = ne(1);
        long bytes = rows * rowBytes();
        return new Tensor(name + "[" + index + "]", type, new long[] {ne[0], rows}, data.asSlice(index * bytes, bytes));
    }

    public static String shapeString(long[] ne) {
        return Arrays.toString(ne);
    }

    @Override
    public String toString() {
        return name + " " + type + " " + shapeString(ne);
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
