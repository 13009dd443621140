package hy.runtime.gguf;

import hy.runtime.tensor.GgmlType;

/**
 * One entry of the GGUF tensor table. {@code offset} is relative to the data section; {@code infoOffset} is where
 * the entry starts in the file (for error messages).
 */
public record GgufTensorInfo(String name, GgmlType type, long[] ne, long offset, long byteSize, long infoOffset) {

    public GgufTensorInfo {
        ne = ne.clone();
    }

    @Override
    public long[] ne() {
        return ne.clone();
    }

    public long elementCount() {
        long n = 1;
        for (long d : ne) n *= d;
        return n;
    }
}
