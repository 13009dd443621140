package hy.cli;

import hy.cuda.CudaProbe;
import hy.cuda.backend.CudaBackend;
import java.io.PrintWriter;

/**
 * Opens the CUDA backend when the flags may use it and a device is there; otherwise says why not. Opening costs a
 * CUDA context and the PTX JIT (seconds), so it is skipped when the flags keep everything on the CPU.
 */
final class GpuMemory {
    private GpuMemory() {}

    /**
     * Memory of CUDA0 for `hy plan` (which does not open a CUDA context): the device's total memory as the probe
     * reports it, 0 without a GPU. A run uses the free memory of the opened device instead.
     */
    static long free() {
        CudaProbe.Result r = CudaProbe.probe();
        return r.available() && r.device() != null ? r.device().totalMemory() : 0;
    }

    /** Whether the flags could place anything on the GPU (-ngl absent means "all layers when there is a GPU"). */
    static boolean wanted(ModelOptions o) {
        boolean gpuRules = o.overrides.stream().anyMatch(r -> r.toUpperCase(java.util.Locale.ROOT).contains("=CUDA"));
        return o.autoPlacement || gpuRules || o.gpuLayers == null || o.gpuLayers != 0;
    }

    /** A progress bar over the weights uploaded to the GPU; the total is known once the plan is made. */
    static final class UploadBar implements hy.cuda.backend.UploadProgress {
        private final ProgressBar bar;
        volatile long total;

        UploadBar(PrintWriter err) {
            bar = new ProgressBar(err);
        }

        @Override
        public void uploaded(String tensor, long tensorBytes, long done) {
            bar.progress(done, Math.max(total, done));
        }

        void finish() {
            bar.finish();
        }
    }

    /** The CUDA backend, or null (with the reason printed when the flags asked for a GPU explicitly). */
    static CudaBackend open(ModelOptions o, PrintWriter err, UploadBar bar) {
        if (!wanted(o)) return null;
        if (!CudaProbe.available()) {
            boolean explicit = o.autoPlacement || o.gpuMem != null || (o.gpuLayers != null && o.gpuLayers > 0)
                    || o.overrides.stream().anyMatch(r -> r.toUpperCase(java.util.Locale.ROOT).contains("=CUDA"));
            if (explicit) err.println("hy: no CUDA device (" + CudaProbe.reason() + "); running everything on the CPU");
            return null;
        }
        return CudaBackend.open(CudaBackend.Options.defaults().withProgress(bar).withLog(m -> err.println("hy: cuda: " + m)));
    }
}
