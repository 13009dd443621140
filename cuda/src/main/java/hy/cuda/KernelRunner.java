package hy.cuda;

/**
 * Launches a kernel by module and name. The launchers (hy.cuda.kernels) only choose kernels, geometry and arguments
 * and hand them here, so they can be exercised against a recording runner without a GPU.
 */
public interface KernelRunner {
    void launch(PtxModule module, String kernel, LaunchConfig config, KernelArgs args);
}
