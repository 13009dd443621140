package hy.runtime.convert;

import hy.runtime.model.HunyuanConfig;
import java.util.Locale;

/** Named Hunyuan shapes for synthetic models: the real A13B and a tiny one for tests and demos. */
public final class ModelShapes {
    private ModelShapes() {}

    /**
     * The shape of testdata/hf_tiny (hidden 64, 2 layers, 4 heads of 16 with 2 KV heads, 8 experts top-2, FFN 32,
     * vocabulary 512, the real model's alpha-scaled RoPE base for head dim 16), with a 4096-token context.
     */
    public static final HunyuanConfig TINY = new HunyuanConfig(512, 64, 2, 4, 2, 16, 8, 2, 32, 32, 1e-5f,
            HunyuanConfig.ropeBase(10000.0, 1000.0, 16), 4096);

    /** "a13b" or "tiny" (case-insensitive). */
    public static HunyuanConfig byName(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "a13b" -> HunyuanConfig.A13B;
            case "tiny" -> TINY;
            default -> throw new IllegalArgumentException("unknown shape '" + name + "'; choose a13b or tiny (and adjust with --layers, --hidden, ...)");
        };
    }
}
