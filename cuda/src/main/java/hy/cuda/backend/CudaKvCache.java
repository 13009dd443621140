package hy.cuda.backend;

import hy.cuda.DeviceBuffer;
import hy.cuda.kernels.KvFormat;
import hy.runtime.backend.KvCache;
import hy.runtime.tensor.GgmlType;

/** Keys and values of one sequence in device memory, one row of kvDim values per (layer, position), both in one format. */
final class CudaKvCache implements KvCache {
    final KvFormat format;
    final int layers;
    final int contextLength;
    final int kvDim;
    final long rowBytes;
    private final DeviceBuffer keys;
    private final DeviceBuffer values;

    CudaKvCache(KvFormat format, int layers, int contextLength, int kvDim, DeviceBuffer keys, DeviceBuffer values) {
        this.format = format;
        this.layers = layers;
        this.contextLength = contextLength;
        this.kvDim = kvDim;
        this.rowBytes = format.rowBytes(kvDim);
        this.keys = keys;
        this.values = values;
    }

    /** Bytes of one of the two caches (keys or values) for all layers. */
    static long bytes(KvFormat f, int layers, int contextLength, int kvDim) {
        return Math.multiplyExact(Math.multiplyExact(f.rowBytes(kvDim), (long) contextLength), (long) layers);
    }

    long keys(int layer) {
        return keys.address(layerOffset(layer));
    }

    long values(int layer) {
        return values.address(layerOffset(layer));
    }

    private long layerOffset(int layer) {
        if (layer < 0 || layer >= layers) throw new IndexOutOfBoundsException("layer " + layer + " of " + layers);
        return (long) layer * contextLength * rowBytes;
    }

    @Override
    public int contextLength() {
        return contextLength;
    }

    @Override
    public GgmlType keyType() {
        return format.type;
    }

    @Override
    public GgmlType valueType() {
        return format.type;
    }

    @Override
    public long byteSize() {
        return keys.bytes() + values.bytes();
    }

    @Override
    public void close() {
        keys.close();
        values.close();
    }
}
