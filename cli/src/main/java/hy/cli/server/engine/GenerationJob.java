package hy.cli.server.engine;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A submitted request: what to generate, who listens, and whether the client still wants it. Cancelling is the only
 * thing other threads do to a job; the engine notices it before the slot's next step.
 */
public final class GenerationJob {
    private final long id;
    private final GenerationRequest request;
    private final GenerationListener listener;
    private final AtomicBoolean cancelled = new AtomicBoolean();

    public GenerationJob(long id, GenerationRequest request, GenerationListener listener) {
        this.id = id;
        this.request = request;
        this.listener = listener;
    }

    public long id() {
        return id;
    }

    public GenerationRequest request() {
        return request;
    }

    GenerationListener listener() {
        return listener;
    }

    /** True once the client has gone; the job's slot (or queue place) is given up at the engine's next turn. */
    public boolean cancelled() {
        return cancelled.get();
    }

    /** Marks the job as given up; engines call this from {@link GenerationEngine#cancel}. */
    public void cancel() {
        cancelled.set(true);
    }
}
