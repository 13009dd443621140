package hy.cuda.kernels;

import hy.cuda.KernelArgs;
import hy.cuda.KernelRunner;
import hy.cuda.PtxModule;

/** elementwise.cu: residual add, SwiGLU and float conversions over flat arrays of n floats. */
public final class ElementwiseLauncher {
    private final KernelRunner runner;

    public ElementwiseLauncher(KernelRunner runner) {
        this.runner = runner;
    }

    public void add(long acc, long x, long n) {
        runner.launch(PtxModule.ELEMENTWISE, "add_f32", KernelGeometry.elementwise(n), new KernelArgs().ptr(acc).ptr(x).i64(n));
    }

    /** out = silu(gate) · up; out may be gate or up. */
    public void swiglu(long gate, long up, long out, long n) {
        runner.launch(PtxModule.ELEMENTWISE, "swiglu_f32", KernelGeometry.elementwise(n),
                new KernelArgs().ptr(gate).ptr(up).ptr(out).i64(n));
    }

    public void toF16(long x, long out, long n) {
        runner.launch(PtxModule.ELEMENTWISE, "f32_to_f16", KernelGeometry.elementwise(n), new KernelArgs().ptr(x).ptr(out).i64(n));
    }

    public void toBf16(long x, long out, long n) {
        runner.launch(PtxModule.ELEMENTWISE, "f32_to_bf16", KernelGeometry.elementwise(n), new KernelArgs().ptr(x).ptr(out).i64(n));
    }
}
