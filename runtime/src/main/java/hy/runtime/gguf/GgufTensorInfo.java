package hy.runtime.gguf;

import hy.runtime.tensor.GgmlType;
import java.util.Arrays;
import java.util.Objects;

/**
 * One entry of the GGUF tensor table. {@code offset} is relative to the data section; {@code infoOffset} is where
 * the entry starts in the file (for error messages). Equality compares the shape's values, not its array identity.
 */
public record GgufTensorInfo(String name, GgmlType type, long[] ne, long offset, long byteSize, long infoOffset) {

    public GgufTensorInfo {
        ne = ne.clone();
    }

    @Override
    public long[] ne() {
        return ne.clone();
    }

    /** Number of weights (the parser has checked that this does not overflow). */
    public long elementCount() {
        long n = 1;
        for (long d : ne) n *= d;
        return n;
    }

    /**
     * Bytes of a tensor as ggml counts them (0 when any dimension is 0), or −1 when the element count or the byte
     * count overflows int64. {@code ne[0]} must be a multiple of the type's block size and no dimension negative.
     */
    static long byteSize(GgmlType type, long[] ne) {
        // Overflow is checked over the non-zero dimensions even when one is 0, so that no shape accepted here can
        // overflow a product taken in another order later.
        long elements = 1;
        boolean empty = false;
        for (long d : ne) {
            if (d == 0) {
                empty = true;
            } else if (elements > Long.MAX_VALUE / d) {
                return -1;
            } else {
                elements *= d;
            }
        }
        if (empty) return 0;
        long rows = elements / ne[0];
        long blocks = ne[0] / type.blockSize;
        // Types wider than a byte per weight (F32, F64, ...) can overflow the row size alone.
        if (blocks > (Long.MAX_VALUE - type.rowMetaBytes) / type.blockBytes) return -1;
        long rowBytes = type.rowBytes(ne[0]);
        return rows > Long.MAX_VALUE / rowBytes ? -1 : rows * rowBytes;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufTensorInfo t && name.equals(t.name) && type == t.type && Arrays.equals(ne, t.ne)
                && offset == t.offset && byteSize == t.byteSize && infoOffset == t.infoOffset;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type, Arrays.hashCode(ne), offset, byteSize, infoOffset);
    }

    @Override
    public String toString() {
        return name + " " + type + " " + Arrays.toString(ne) + " " + byteSize + " bytes at data offset " + offset;
    }
}
