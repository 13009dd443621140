package hy.cuda.backend;

import hy.cuda.DeviceAllocator;
import hy.cuda.DeviceBuffer;
import hy.cuda.MemoryCategory;
import hy.cuda.kernels.WeightFormat;
import hy.runtime.backend.Weight;
import hy.runtime.quant.QuantCodecs;
import hy.runtime.tensor.GgmlType;
import hy.runtime.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The weights on the device: each tensor uploaded once in its file format (1-D norm weights as float32), found again
 * by the mapped bytes it came from, so the output projection tied to the embedding is not uploaded twice. The bytes
 * must stay mapped while a weight is in use; {@link #release} frees one.
 */
final class WeightStore implements AutoCloseable {
    private final DeviceAllocator allocator;
    private final WeightUploader uploader;
    private final Map<Object, CudaWeight> byBytes = new HashMap<>();
    private final Set<CudaWeight> owned = Collections.newSetFromMap(new IdentityHashMap<>());

    WeightStore(DeviceAllocator allocator, WeightUploader uploader) {
        this.allocator = allocator;
        this.uploader = uploader;
    }

    /** Same bytes in the mapped file and the same type: the same weight. */
    private record MappedBytes(long address, long bytes, GgmlType type, boolean vector) {}

    private static Object keyOf(Tensor t) {
        return t.data().isNative() ? new MappedBytes(t.data().address(), t.byteSize(), t.type(), t.dims() == 1) : t;
    }

    CudaWeight get(Tensor t) {
        Object key = keyOf(t);
        CudaWeight w = byBytes.get(key);
        if (w == null) {
            w = t.dims() == 1 ? uploadAsFloats(t) : uploadAsStored(t);
            byBytes.put(key, w);
            owned.add(w);
        }
        return w;
    }

    boolean owns(Weight w) {
        return w instanceof CudaWeight c && owned.contains(c);
    }

    /** Frees the weight's memory; the caller has made sure no queued kernel still reads it. */
    void release(CudaWeight w) {
        if (!owned.remove(w)) throw new IllegalArgumentException("weight " + w.tensor().name() + " is not held by this backend");
        byBytes.remove(keyOf(w.tensor()));
        w.data().close();
    }

    /** Norm weights (1-D): float32 on the device whatever the file holds, as the kernels read them. */
    private CudaWeight uploadAsFloats(Tensor t) {
        float[] v = QuantCodecs.dequantizeRow(t, 0);
        DeviceBuffer b = allocator.allocate(4L * v.length, MemoryCategory.WEIGHTS, t.name());
        uploader.upload(t.name(), MemorySegment.ofArray(v), b);
        return new CudaWeight(t, b, 0, WeightFormat.F32, v.length, 1, 1, 4L * v.length);
    }

    private CudaWeight uploadAsStored(Tensor t) {
        CudaWeight.storedFormat(t); // fail before allocating
        long bytes = t.byteSize();
        DeviceBuffer b = allocator.allocate(bytes, MemoryCategory.WEIGHTS, t.name());
        uploader.upload(t.name(), t.data().asSlice(0, bytes), b);
        return CudaWeight.stored(t, b, 0);
    }

    @Override
    public void close() {
        for (CudaWeight w : owned) w.data().close();
        owned.clear();
        byBytes.clear();
    }
}
