package hy.runtime.cpu.backend;

import hy.runtime.backend.Weight;
import hy.runtime.cpu.WeightMatrix;
import hy.runtime.tensor.Tensor;

/**
 * A weight on the CPU: the mapped tensor, and for matrices the form the kernels multiply ({@code dense} for 2-D
 * weights, one per expert in {@code experts} for stacked expert tensors; null for vectors such as norms).
 */
record CpuWeight(CpuBackend owner, Tensor tensor, WeightMatrix dense, WeightMatrix[] experts) implements Weight {

    static CpuWeight of(Weight w) {
        if (w instanceof CpuWeight c) return c;
        throw new IllegalArgumentException("weight " + w.tensor().name() + " was prepared by another backend");
    }

    WeightMatrix matrix() {
        if (dense == null) throw new IllegalArgumentException(tensor.name() + " is not a matrix");
        return dense;
    }

    WeightMatrix expert(int e) {
        if (experts == null) throw new IllegalArgumentException(tensor.name() + " is not a stacked expert tensor");
        return experts[e];
    }
}
