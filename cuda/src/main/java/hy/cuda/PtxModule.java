package hy.cuda;

import java.util.Locale;

/** The kernel modules, one per kernels-ptx/src/*.cu (PtxModuleTest checks that the two lists agree). */
public enum PtxModule {
    EMBED, RMSNORM, ROPE_NORM, KV_CACHE, ATTENTION_DECODE, ATTENTION_PREFILL, MATVEC, MATMUL, MOE, ELEMENTWISE;

    /** The file name without extension: "rope_norm" for ROPE_NORM. */
    public String fileName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
