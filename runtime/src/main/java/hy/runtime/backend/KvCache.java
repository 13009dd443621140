package hy.runtime.backend;

import hy.runtime.tensor.GgmlType;

/** Keys and values of one sequence for every layer, in the backend's memory. */
public interface KvCache extends AutoCloseable {
    int contextLength();

    GgmlType keyType();

    GgmlType valueType();

    /** Bytes of device or host memory the cache holds. */
    long byteSize();

    @Override
    default void close() {}
}
