package hy.runtime.cpu.backend;

import hy.runtime.backend.KvCache;
import hy.runtime.quant.QuantCodec;
import hy.runtime.quant.QuantCodecs;
import hy.runtime.tensor.GgmlType;
import hy.runtime.util.NativeMemory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Keys and values in host memory, one row of kvDim values per position and layer, stored in the cache type
 * (F32, F16, BF16 or Q8_0). Memory comes uncommitted from the OS, so a 256K-token cache costs only what is used.
 */
final class CpuKvCache implements KvCache {
    final int layers;
    final int contextLength;
    final int kvDim;
    final GgmlType kType;
    final GgmlType vType;
    final QuantCodec kCodec;
    final QuantCodec vCodec;
    final long kRowBytes;
    final long vRowBytes;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment keys;
    private final MemorySegment values;

    CpuKvCache(int layers, int contextLength, int kvDim, GgmlType kType, GgmlType vType) {
        this.layers = layers;
        this.contextLength = contextLength;
        this.kvDim = kvDim;
        this.kType = kType;
        this.vType = vType;
        this.kCodec = codec(kType, "-ctk");
        this.vCodec = codec(vType, "-ctv");
        this.kRowBytes = kType.rowBytes(kvDim);
        this.vRowBytes = vType.rowBytes(kvDim);
        this.keys = NativeMemory.allocate(kRowBytes * contextLength * layers, arena);
        this.values = NativeMemory.allocate(vRowBytes * contextLength * layers, arena);
    }

    private static QuantCodec codec(GgmlType t, String flag) {
        if (!QuantCodecs.supports(t) || !QuantCodecs.of(t, "KV cache").canQuantize()) {
            throw new IllegalArgumentException(flag + " " + t.name().toLowerCase() + " is not a supported cache type (use f16, bf16, q8_0 or f32)");
        }
        return QuantCodecs.of(t, "KV cache");
    }

    long keyOffset(int layer, int pos) {
        return ((long) layer * contextLength + pos) * kRowBytes;
    }

    long valueOffset(int layer, int pos) {
        return ((long) layer * contextLength + pos) * vRowBytes;
    }

    void store(int layer, int pos, float[] k, int kOff, float[] v, int vOff) {
        kCodec.quantize(k, kOff, keys, keyOffset(layer, pos), kvDim);
        vCodec.quantize(v, vOff, values, valueOffset(layer, pos), kvDim);
    }

    /** Whether per-head slices of {@code headDim} values start on block boundaries of both cache types. */
    boolean canSlice(int headDim) {
        return headDim % kType.blockSize == 0 && headDim % vType.blockSize == 0;
    }

    /** Values [from, from + n) of the key row at (layer, pos) into dst[0..n); from and n are whole blocks. */
    void loadKey(int layer, int pos, int from, int n, float[] dst) {
        kCodec.dequantize(keys, keyOffset(layer, pos) + kType.rowBytes(from), dst, 0, n);
    }

    void loadValue(int layer, int pos, int from, int n, float[] dst) {
        vCodec.dequantize(values, valueOffset(layer, pos) + vType.rowBytes(from), dst, 0, n);
    }

    @Override
    public int contextLength() {
        return contextLength;
    }

    @Override
    public GgmlType keyType() {
        return kType;
    }

    @Override
    public GgmlType valueType() {
        return vType;
    }

    @Override
    public long byteSize() {
        return keys.byteSize() + values.byteSize();
    }

    @Override
    public void close() {
        arena.close();
    }
}
