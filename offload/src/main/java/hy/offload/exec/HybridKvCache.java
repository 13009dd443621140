package hy.offload.exec;

import hy.runtime.backend.Backend;
import hy.runtime.backend.KvCache;
import hy.runtime.tensor.GgmlType;

/**
 * A KV cache split by layer between two backends: each layer's keys and values live with that layer's attention.
 * Layers are numbered locally inside each part (the GPU part holds only the GPU layers).
 */
final class HybridKvCache implements KvCache {
    private final KvCache gpuPart;
    private final KvCache cpuPart;
    private final boolean[] onGpu;
    private final int[] local;
    private final int contextLength;
    private final GgmlType kType, vType;

    HybridKvCache(Backend gpu, Backend cpu, boolean[] onGpu, int contextLength, int kvDim, GgmlType kType, GgmlType vType) {
        this.onGpu = onGpu.clone();
        this.local = new int[onGpu.length];
        int g = 0, c = 0;
        for (int l = 0; l < onGpu.length; l++) local[l] = onGpu[l] ? g++ : c++;
        this.gpuPart = g > 0 ? gpu.kvCache(g, contextLength, kvDim, kType, vType) : null;
        KvCache cpuCache = null;
        try {
            cpuCache = c > 0 ? cpu.kvCache(c, contextLength, kvDim, kType, vType) : null;
        } catch (RuntimeException e) {
            if (gpuPart != null) gpuPart.close();
            throw e;
        }
        this.cpuPart = cpuCache;
        this.contextLength = contextLength;
        this.kType = kType;
        this.vType = vType;
    }

    boolean onGpu(int layer) {
        return onGpu[layer];
    }

    KvCache part(int layer) {
        return onGpu[layer] ? gpuPart : cpuPart;
    }

    int localLayer(int layer) {
        return local[layer];
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
        return (gpuPart == null ? 0 : gpuPart.byteSize()) + (cpuPart == null ? 0 : cpuPart.byteSize());
    }

    @Override
    public void close() {
        if (gpuPart != null) gpuPart.close();
        if (cpuPart != null) cpuPart.close();
    }
}
