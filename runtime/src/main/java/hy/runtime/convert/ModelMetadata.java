package hy.runtime.convert;

import hy.runtime.gguf.GgufValue;
import hy.runtime.gguf.GgufWriter;
import hy.runtime.model.HunyuanConfig;

/** The general.* and hunyuan-moe.* keys every model file written by hy carries, in llama.cpp's order. */
public final class ModelMetadata {
    private ModelMetadata() {}

    /** ggml's current quantization format version (general.quantization_version). */
    public static final int QUANTIZATION_VERSION = 2;

    public static void write(GgufWriter w, HunyuanConfig config, String name, TensorPlan plan) {
        w.put("general.architecture", GgufValue.string(HunyuanConfig.ARCH));
        w.put("general.type", GgufValue.string("model"));
        w.put("general.name", GgufValue.string(name));
        config.writeGguf(w);
        w.put("general.file_type", GgufValue.u32(plan.fileType()));
        w.put("general.quantization_version", GgufValue.u32(QUANTIZATION_VERSION));
    }
}
