package hy.cuda.kernels;

import hy.cuda.KernelArgs;
import hy.cuda.KernelRunner;
import hy.cuda.PtxModule;

/** rmsnorm.cu and rope_norm.cu: RMSNorm of rows, and per-head RoPE followed by RMSNorm (in place). */
public final class NormLauncher {
    private final KernelRunner runner;

    public NormLauncher(KernelRunner runner) {
        this.runner = runner;
    }

    /** out[t] = x[t] / rms(x[t]) · gamma; gamma is width float32 values. */
    public void rmsNorm(long x, long gamma, float eps, long out, int width, int tokens) {
        runner.launch(PtxModule.RMSNORM, "rmsnorm_f32", KernelGeometry.rmsNorm(tokens),
                new KernelArgs().ptr(x).ptr(gamma).f32(eps).ptr(out).i32(width));
    }

    /**
     * @param startPos device address of the int position of token 0
     * @param invFreq device address of headDim/2 doubles base^(−2i/headDim)
     */
    public void ropeNorm(long x, int heads, int headDim, long startPos, long invFreq, long gamma, float eps, int tokens) {
        if (headDim % 2 != 0 || headDim / 2 > KernelGeometry.ROPE_THREADS) {
            throw new IllegalArgumentException("head dimension " + headDim + ": the RoPE kernel takes even sizes up to " + 2 * KernelGeometry.ROPE_THREADS);
        }
        runner.launch(PtxModule.ROPE_NORM, "rope_norm_f32", KernelGeometry.ropeNorm(heads, tokens),
                new KernelArgs().ptr(x).i32(heads).i32(headDim).ptr(startPos).ptr(invFreq).ptr(gamma).f32(eps));
    }
}
