package hy.cuda.backend;

import hy.cuda.DeviceBuffer;
import hy.cuda.kernels.WeightFormat;
import hy.runtime.backend.Weight;
import hy.runtime.tensor.Tensor;
import java.util.Arrays;

/**
 * A weight on the device in its file format (1-D tensors, the norms, as float32), {@code offset} bytes into
 * {@code data} (0 for an upload of its own; a staged expert tensor shares a staging slot with others). Matrices are
 * {@code rows × rowLength}; stacked expert tensors hold {@code experts} such matrices {@code expertBytes} apart.
 */
record CudaWeight(Tensor tensor, DeviceBuffer data, long offset, WeightFormat format, int rowLength, int rows, int experts,
        long rowBytes) implements Weight {

    long address() {
        return data.address(offset, tensor.dims() == 1 ? 4L * rowLength : tensor.byteSize());
    }

    long expertBytes() {
        return rowBytes * rows;
    }

    static CudaWeight of(Weight w, CudaBackend backend) {
        if (w instanceof CudaWeight c && backend.owns(c)) return c;
        throw new IllegalArgumentException("weight " + w.tensor().name() + " was not prepared by this CUDA backend");
    }

    /** The kernels' format for a matrix (or stack of matrices) kept as the file stores it; throws saying why not. */
    static WeightFormat storedFormat(Tensor t) {
        WeightFormat f = WeightFormat.of(t.type());
        if (f == null) {
            throw new IllegalArgumentException("tensor " + t.name() + " is " + t.type() + ", which the CUDA backend cannot compute with ("
                    + "it takes " + Arrays.toString(WeightFormat.values()) + "); keep it on the CPU (-ot) or requantize it");
        }
        if (t.dims() > 3) throw new IllegalArgumentException("tensor " + t + " has more than 3 dimensions");
        if (t.rowLength() % WeightFormat.UNIT != 0) {
            throw new IllegalArgumentException("tensor " + t + ": rows of " + t.rowLength() + " weights are not a multiple of 32, which the CUDA kernels need");
        }
        return f;
    }

    /** Whether the kernels can compute with {@code t} as the file stores it (what {@link #storedFormat} checks). */
    static boolean computable(Tensor t) {
        return computable(t.type(), t.dims(), t.rowLength());
    }

    private static boolean computable(hy.runtime.tensor.GgmlType type, int dims, long rowLength) {
        return WeightFormat.of(type) != null && dims <= 3 && rowLength % WeightFormat.UNIT == 0;
    }

    /** {@code t} as the file stores it, its bytes at {@code offset} in {@code data}. */
    static CudaWeight stored(Tensor t, DeviceBuffer data, long offset) {
        return new CudaWeight(t, data, offset, storedFormat(t), t.rowLength(), Math.toIntExact(t.ne(1)), Math.toIntExact(t.ne(2)),
                t.rowBytes());
    }
}
