package hy.cuda.backend;

import hy.cuda.DeviceBuffer;
import hy.runtime.backend.Activations;

/** Activations in device memory: rows [first, first + tokens) of a float32 matrix of `width` columns. */
final class CudaActivations implements Activations {
    final CudaBackend owner;
    final DeviceBuffer buffer;
    final int first;
    final int tokens;
    final int width;
    /** Rows of the whole matrix this is (a view of some of) the rows of. */
    final int allocatedRows;

    CudaActivations(CudaBackend owner, DeviceBuffer buffer, int first, int tokens, int width, int allocatedRows) {
        this.owner = owner;
        this.allocatedRows = allocatedRows;
        this.buffer = buffer;
        this.first = first;
        this.tokens = tokens;
        this.width = width;
    }

    static CudaActivations of(Activations a, CudaBackend backend) {
        if (a instanceof CudaActivations c && c.owner == backend) return c;
        throw new IllegalArgumentException("activations of another backend passed to the CUDA backend");
    }

    /** Device address of element 0 of row t. */
    long address(int t) {
        return buffer.address(byteOffset(t));
    }

    long address() {
        return address(0);
    }

    long byteOffset(int t) {
        return ((long) first + t) * width * Float.BYTES;
    }

    boolean isWholeMatrix() {
        return first == 0 && tokens == allocatedRows;
    }

    long elements() {
        return (long) tokens * width;
    }

    @Override
    public int tokens() {
        return tokens;
    }

    @Override
    public int width() {
        return width;
    }

    @Override
    public Activations rows(int from, int count) {
        if (from < 0 || count < 0 || from + count > tokens) throw new IndexOutOfBoundsException("rows " + from + "+" + count + " of " + tokens);
        return new CudaActivations(owner, buffer, first + from, count, width, allocatedRows);
    }
}
