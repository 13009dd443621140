package hy.runtime.cpu.backend;

import hy.runtime.backend.Weight;
import hy.runtime.tensor.Tensor;

/** A weight used in place from the mapped file. */
record CpuWeight(Tensor tensor) implements Weight {
    static Tensor of(Weight w) {
        return w.tensor();
    }
}
