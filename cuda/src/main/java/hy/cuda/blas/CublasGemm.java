package hy.cuda.blas;

import hy.cuda.CudaStream;
import hy.cuda.CudaCallException;
import java.util.function.Consumer;
import jcuda.Pointer;
import jcuda.cudaDataType;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasComputeType;
import jcuda.jcublas.cublasGemmAlgo;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasOperation;
import jcuda.runtime.cudaStream_t;

/**
 * cuBLAS for large F16/BF16 products, when JCublas's native library and libcublas.so.12 load; hy's own kernels do
 * everything without it (machines with only libcublas.so.13, or none, lose nothing but this speed-up).
 * {@code -Dhy.cublas=off} keeps it unused.
 */
public final class CublasGemm implements AutoCloseable {
    private final cublasHandle handle = new cublasHandle();

    private CublasGemm(CudaStream stream) {
        JCublas2.setExceptionsEnabled(false);
        check(JCublas2.cublasCreate(handle), "cublasCreate");
        check(JCublas2.cublasSetStream(handle, new cudaStream_t(stream.handle())), "cublasSetStream");
    }

    /** cuBLAS bound to {@code stream}, or null (with the reason given to {@code log}) when it cannot be used. */
    public static CublasGemm tryCreate(CudaStream stream, Consumer<String> log) {
        if ("off".equalsIgnoreCase(System.getProperty("hy.cublas", ""))) {
            log.accept("cuBLAS: off (-Dhy.cublas=off); F16/BF16 products use hy's kernels");
            return null;
        }
        try {
            CublasGemm g = new CublasGemm(stream);
            log.accept("cuBLAS: in use for F16/BF16 products of large batches");
            return g;
        } catch (LinkageError | RuntimeException e) {
            String why = String.valueOf(e.getMessage());
            if (why.contains("libcublas")) why = "libcublas.so.12 is not installed";
            int nl = why.indexOf('\n');
            log.accept("cuBLAS: not used (" + (nl < 0 ? why : why.substring(0, nl)) + "); hy's kernels compute every product");
            return null;
        }
    }

    /**
     * y[t][r] = Σ_k W[r][k] · x[t][k] for {@code tokens} rows of half-precision activations against a row-major weight
     * of {@code rows × k} halves (or bfloat16 when {@code bf16}); y is float32. In cuBLAS's column-major terms:
     * Y(rows × tokens) = Wᵀ(rows × k) · X(k × tokens).
     */
    public void gemm(boolean bf16, long w, long xHalf, long y, int rows, int tokens, int k) {
        int type = bf16 ? cudaDataType.CUDA_R_16BF : cudaDataType.CUDA_R_16F;
        int r = JCublas2.cublasGemmEx(handle, cublasOperation.CUBLAS_OP_T, cublasOperation.CUBLAS_OP_N, rows, tokens, k,
                Pointer.to(new float[] {1f}), DevicePointers.at(w), type, k, DevicePointers.at(xHalf), type, k,
                Pointer.to(new float[] {0f}), DevicePointers.at(y), cudaDataType.CUDA_R_32F, rows,
                cublasComputeType.CUBLAS_COMPUTE_32F, cublasGemmAlgo.CUBLAS_GEMM_DEFAULT);
        check(r, "cublasGemmEx");
    }

    private static void check(int status, String call) {
        if (status != 0) throw new CudaCallException(call, "cuBLAS status " + status, status);
    }

    @Override
    public void close() {
        JCublas2.cublasDestroy(handle);
    }
}
