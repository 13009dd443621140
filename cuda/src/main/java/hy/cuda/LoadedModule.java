package hy.cuda;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jcuda.Pointer;
import jcuda.driver.CUfunction;
import jcuda.driver.CUjit_option;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;
import jcuda.driver.JITOptions;

/**
 * One PTX module JIT-compiled by the driver for the current device (cuModuleLoadDataEx), its kernels looked up on
 * first use. A PTX the driver rejects fails with the JIT's own error log, which names the line.
 */
final class LoadedModule implements AutoCloseable {
    private static final int LOG_BYTES = 16 * 1024;

    final PtxModule name;
    private final CUmodule module = new CUmodule();
    private final Map<String, List<String>> signatures;
    private final Map<String, CUfunction> functions = new HashMap<>();
    final float jitMillis;

    LoadedModule(PtxModule name) {
        this.name = name;
        String ptx = PtxResources.read(name.fileName());
        this.signatures = PtxSignatures.parse(ptx);
        byte[] text = (ptx + "\0").getBytes(StandardCharsets.US_ASCII);
        JITOptions options = new JITOptions();
        options.putBytes(CUjit_option.CU_JIT_ERROR_LOG_BUFFER, new byte[LOG_BYTES]);
        options.putInt(CUjit_option.CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES, LOG_BYTES);
        options.putFloat(CUjit_option.CU_JIT_WALL_TIME, 0f);
        int r = JCudaDriver.cuModuleLoadDataJIT(module, Pointer.to(text), options);
        String log = r == 0 ? null : options.getString(CUjit_option.CU_JIT_ERROR_LOG_BUFFER);
        if (r != 0 && (log == null || log.isBlank())) {
            // No JIT log: the options themselves may be what failed; the plain call tells the PTX's own verdict.
            r = JCudaDriver.cuModuleLoadData(module, text);
        }
        if (r != 0) {
            String jitLog = log;
            throw new CudaCallException("cuModuleLoadData", PtxResources.path(name.fileName()), r) {
                @Override
                public String getMessage() {
                    return super.getMessage() + (jitLog == null || jitLog.isBlank() ? "" : "\nJIT log:\n" + jitLog.strip());
                }
            };
        }
        this.jitMillis = options.getFloat(CUjit_option.CU_JIT_WALL_TIME);
    }

    List<String> signature(String kernel) {
        List<String> s = signatures.get(kernel);
        if (s == null) throw new IllegalArgumentException("module " + name.fileName() + " has no kernel '" + kernel + "'");
        return s;
    }

    CUfunction function(String kernel) {
        CUfunction f = functions.get(kernel);
        if (f == null) {
            signature(kernel);
            f = new CUfunction();
            Cu.check(JCudaDriver.cuModuleGetFunction(f, module, kernel), "cuModuleGetFunction", kernel);
            functions.put(kernel, f);
        }
        return f;
    }

    @Override
    public void close() {
        JCudaDriver.cuModuleUnload(module);
    }
}
