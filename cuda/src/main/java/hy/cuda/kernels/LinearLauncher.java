package hy.cuda.kernels;

import hy.cuda.KernelArgs;
import hy.cuda.KernelRunner;
import hy.cuda.PtxModule;

/**
 * matvec.cu and matmul.cu: y[t][r] = W[r] · x[t] for a weight of {@code rows} rows of {@code rowLength} weights.
 * Small batches (and F32 weights at any batch) stream the weights through the matvec kernels; larger batches of other
 * formats go to the tensor-core kernel.
 */
public final class LinearLauncher {
    private final KernelRunner runner;

    public LinearLauncher(KernelRunner runner) {
        this.runner = runner;
    }

    /** Whether a batch of {@code tokens} uses the matvec kernels (else the tensor-core kernel). */
    public static boolean usesMatvec(WeightFormat f, int tokens) {
        return tokens <= KernelGeometry.MATVEC_MAX_TOKENS || !f.tensorCores();
    }

    public void linear(WeightFormat f, long w, long rowBytes, int rowLength, int rows, long x, int tokens, long y) {
        if (usesMatvec(f, tokens)) matvec(f, w, rowBytes, rowLength, rows, x, tokens, y);
        else matmul(f, w, rowBytes, rowLength, rows, x, tokens, y);
    }

    public void matvec(WeightFormat f, long w, long rowBytes, int rowLength, int rows, long x, int tokens, long y) {
        int nt = KernelGeometry.matvecTokenTile(tokens);
        runner.launch(PtxModule.MATVEC, "matvec_" + f.suffix() + "_n" + nt, KernelGeometry.matvec(rows, tokens),
                args(w, rowBytes, rowLength, rows, x, tokens, y));
    }

    public void matmul(WeightFormat f, long w, long rowBytes, int rowLength, int rows, long x, int tokens, long y) {
        runner.launch(PtxModule.MATMUL, "matmul_" + f.suffix(), KernelGeometry.matmul(rows, tokens),
                args(w, rowBytes, rowLength, rows, x, tokens, y));
    }

    private static KernelArgs args(long w, long rowBytes, int rowLength, int rows, long x, int tokens, long y) {
        return new KernelArgs().ptr(w).i64(rowBytes).i32(WeightFormat.units(rowLength)).i32(rows).ptr(x).i32(tokens).ptr(y);
    }
}
