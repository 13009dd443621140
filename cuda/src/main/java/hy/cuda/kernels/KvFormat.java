package hy.cuda.kernels;

import hy.runtime.tensor.GgmlType;
import java.util.Locale;

/** KV-cache row formats the CUDA kernels read and write (kernels-ptx/src/kv_formats.cuh, HY_FOR_EACH_KV_FORMAT). */
public enum KvFormat {
    F32(GgmlType.F32), F16(GgmlType.F16), BF16(GgmlType.BF16), Q8_0(GgmlType.Q8_0);

    public final GgmlType type;

    KvFormat(GgmlType type) {
        this.type = type;
    }

    public String suffix() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static KvFormat of(GgmlType t) {
        for (KvFormat f : values()) if (f.type == t) return f;
        return null;
    }

    /** Whether prompts may use the tensor-core attention (f16 tiles); an F32 cache asks for float32 throughout. */
    public boolean tensorCores() {
        return this != F32;
    }

    public long rowBytes(int kvDim) {
        return type.rowBytes(kvDim);
    }
}
