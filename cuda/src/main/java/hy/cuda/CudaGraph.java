package hy.cuda;

import jcuda.driver.CUgraph;
import jcuda.driver.CUgraphExec;
import jcuda.driver.CUstreamCaptureMode;
import jcuda.driver.JCudaDriver;

/**
 * A captured sequence of stream work (kernels and copies) replayed with one launch: the decode step of 32 layers ×
 * ~20 kernels costs one launch instead of hundreds. Work is recorded by running it on the runner's stream between
 * {@link #capture} and the end of the lambda; replays see the memory contents of the moment they run, so values
 * that change per step (token, position) must be read by the kernels from device memory that the captured
 * host-to-device copies refresh from pinned memory.
 */
public final class CudaGraph implements AutoCloseable {
    private final CUgraph graph = new CUgraph();
    private final CUgraphExec exec = new CUgraphExec();
    private final CudaStream stream;

    private CudaGraph(CudaStream stream) {
        this.stream = stream;
    }

    /** Records everything {@code work} issues on the runner's stream, without running it. */
    public static CudaGraph capture(CudaKernelRunner runner, Runnable work) {
        CudaStream s = runner.stream();
        CudaGraph g = new CudaGraph(s);
        Cu.check(JCudaDriver.cuStreamBeginCapture(s.handle(), CUstreamCaptureMode.CU_STREAM_CAPTURE_MODE_THREAD_LOCAL),
                "cuStreamBeginCapture");
        runner.setCapturing(true);
        RuntimeException failure = null;
        try {
            work.run();
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            runner.setCapturing(false);
            int r = JCudaDriver.cuStreamEndCapture(s.handle(), g.graph);
            if (failure == null) Cu.check(r, "cuStreamEndCapture");
        }
        if (failure != null) throw failure;
        Cu.check(JCudaDriver.cuGraphInstantiate(g.exec, g.graph, 0), "cuGraphInstantiate");
        return g;
    }

    /** Queues one replay on the stream it was captured from. */
    public void launch() {
        Cu.check(JCudaDriver.cuGraphLaunch(exec, stream.handle()), "cuGraphLaunch");
    }

    @Override
    public void close() {
        JCudaDriver.cuGraphExecDestroy(exec);
        JCudaDriver.cuGraphDestroy(graph);
    }
}
