package hy.cuda.backend;

import hy.cuda.DeviceAllocator;
import hy.cuda.DeviceBuffer;
import hy.cuda.Gpu;
import hy.cuda.MemoryCategory;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;

/**
 * The RoPE inverse frequencies base^(−2i/d) per (head size, base), computed in double exactly as the CPU's Rope does
 * and uploaded once; the kernel multiplies them by the position in double.
 */
final class RopeTables implements AutoCloseable {
    private final Gpu gpu;
    private final DeviceAllocator allocator;
    private final Map<String, DeviceBuffer> tables = new HashMap<>();

    RopeTables(Gpu gpu, DeviceAllocator allocator) {
        this.gpu = gpu;
        this.allocator = allocator;
    }

    static double[] inverseFrequencies(int headDim, double base) {
        double[] f = new double[headDim / 2];
        for (int i = 0; i < f.length; i++) f[i] = Math.pow(base, -2.0 * i / headDim);
        return f;
    }

    /** Device address of the table; created (a synchronous copy) on first use, so not while capturing. */
    long table(int headDim, double base, boolean capturing) {
        String key = headDim + "/" + base;
        DeviceBuffer b = tables.get(key);
        if (b == null) {
            if (capturing) throw new IllegalStateException("RoPE table made during graph capture; run the step once before capturing it");
            double[] f = inverseFrequencies(headDim, base);
            b = allocator.allocate(8L * f.length, MemoryCategory.SCRATCH, "RoPE table");
            gpu.copyToDeviceNow(b.address(0, 8L * f.length), MemorySegment.ofArray(f), 8L * f.length);
            tables.put(key, b);
        }
        return b.address();
    }

    @Override
    public void close() {
        tables.values().forEach(DeviceBuffer::close);
        tables.clear();
    }
}
