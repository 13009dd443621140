package hy.cuda;

import java.util.EnumMap;
import java.util.HashSet;
import java.util.Set;
import jcuda.driver.JCudaDriver;

/**
 * Launches kernels on one stream. Modules are JIT-compiled when the runner is built, so that a PTX problem shows at
 * start-up, not mid-generation, and no compilation happens while a graph is captured. Each kernel's arguments are
 * checked once against its PTX signature. With {@code -Dhy.cuda.sync=true} every launch is followed by a stream
 * synchronisation, so an asynchronous fault (illegal address, ...) is reported with the kernel that caused it.
 */
public final class CudaKernelRunner implements KernelRunner, AutoCloseable {
    private final CudaStream stream;
    private final EnumMap<PtxModule, LoadedModule> modules = new EnumMap<>(PtxModule.class);
    private final Set<String> checked = new HashSet<>();
    private boolean syncEachLaunch = Boolean.getBoolean("hy.cuda.sync");
    private boolean capturing;

    public CudaKernelRunner(CudaStream stream) {
        this.stream = stream;
        for (PtxModule m : PtxModule.values()) modules.put(m, new LoadedModule(m));
    }

    /** Milliseconds the driver spent JIT-compiling each module (0 when it came from the driver's cache). */
    public String jitSummary() {
        StringBuilder sb = new StringBuilder();
        for (LoadedModule m : modules.values()) {
            if (!sb.isEmpty()) sb.append(", ");
            sb.append(m.name.fileName()).append(' ').append(Math.round(m.jitMillis)).append(" ms");
        }
        return sb.toString();
    }

    public CudaStream stream() {
        return stream;
    }

    /** Synchronise after every launch (slow; attributes asynchronous faults to the kernel that caused them). */
    public void setSyncEachLaunch(boolean on) {
        this.syncEachLaunch = on;
    }

    /** While a graph is being captured no launch may synchronise. */
    void setCapturing(boolean capturing) {
        this.capturing = capturing;
    }

    @Override
    public void launch(PtxModule module, String kernel, LaunchConfig c, KernelArgs args) {
        LoadedModule m = modules.get(module);
        if (checked.add(kernel)) {
            String problem = args.mismatch(m.signature(kernel));
            if (problem != null) {
                checked.remove(kernel);
                throw new IllegalStateException("kernel " + kernel + ": " + problem + " (launcher and kernels-ptx disagree)");
            }
        }
        int r = JCudaDriver.cuLaunchKernel(m.function(kernel), c.gridX(), c.gridY(), c.gridZ(), c.blockX(), 1, 1,
                c.sharedBytes(), stream.handle(), args.toKernelParams(), null);
        Cu.check(r, "cuLaunchKernel", kernel + ", " + c);
        if (syncEachLaunch && !capturing) {
            Cu.check(JCudaDriver.cuStreamSynchronize(stream.handle()), "cuStreamSynchronize", "after " + kernel + " " + args);
        }
    }

    @Override
    public void close() {
        for (LoadedModule m : modules.values()) m.close();
        modules.clear();
    }
}
