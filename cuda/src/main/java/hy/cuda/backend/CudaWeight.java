package hy.cuda.backend;

import hy.cuda.DeviceBuffer;
import hy.cuda.kernels.WeightFormat;
import hy.runtime.backend.Weight;
import hy.runtime.tensor.Tensor;

/**
 * A weight uploaded to the device in its file format (1-D tensors, the norms, as float32). Matrices are
 * {@code rows × rowLength}; stacked expert tensors hold {@code experts} such matrices {@code expertBytes} apart.
 */
record CudaWeight(Tensor tensor, DeviceBuffer data, WeightFormat format, int rowLength, int rows, int experts,
        long rowBytes) implements Weight {

    long address() {
        return data.address();
    }

    long expertBytes() {
        return rowBytes * rows;
    }

    static CudaWeight of(Weight w, CudaBackend backend) {
        if (w instanceof CudaWeight c && backend.owns(c)) return c;
        throw new IllegalArgumentException("weight " + w.tensor().name() + " was not prepared by this CUDA backend");
    }
}
