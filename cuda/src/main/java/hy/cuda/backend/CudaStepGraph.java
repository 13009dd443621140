package hy.cuda.backend;

import hy.cuda.Gpu;
import hy.runtime.backend.RecordedStep;

/**
 * A captured step (see {@link CudaBackend#captureStep}): each {@link #launch} writes the step's token ids and position
 * into the pinned slots its copies read, then replays every kernel with one graph launch. A launch first waits for the
 * previous replay, whose copies read the same slots.
 */
public final class CudaStepGraph implements RecordedStep {
    private final CudaBackend backend;
    private final Gpu.Replay graph;
    private final StepUploads slots;
    private final int tokens;
    private final int scratchGeneration;
    private final Gpu.Marker replayed;

    CudaStepGraph(CudaBackend backend, Gpu.Replay graph, StepUploads slots, int tokens, int scratchGeneration) {
        this.backend = backend;
        this.replayed = backend.gpu().marker();
        this.graph = graph;
        this.slots = slots;
        this.tokens = tokens;
        this.scratchGeneration = scratchGeneration;
    }

    /** Tokens per step, as captured. */
    public int tokens() {
        return tokens;
    }

    /** False once scratch memory moved (a larger batch ran since the capture): capture the step again. */
    @Override
    public boolean current() {
        return backend.replayable(scratchGeneration);
    }

    /** Queues one replay for {@code ids} at positions startPos.. (asynchronous, like every op). */
    @Override
    public void launch(int[] ids, int startPos) {
        if (ids.length != tokens) throw new IllegalArgumentException("graph captured for " + tokens + " tokens, launched with " + ids.length);
        backend.beforeReplay(scratchGeneration);
        replayed.await();
        slots.rewrite(ids, startPos);
        graph.launch();
        replayed.record();
    }

    @Override
    public void close() {
        backend.synchronize();
        replayed.close();
        graph.close();
        slots.close();
    }
}
