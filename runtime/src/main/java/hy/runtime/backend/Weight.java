package hy.runtime.backend;

import hy.runtime.tensor.Tensor;

/** A weight tensor prepared for one backend. {@link #tensor()} is the host view it came from. */
public interface Weight {
    Tensor tensor();
}
