package hy.cli.server;

import hy.cli.server.engine.FinishReason;
import hy.cli.server.engine.GenerationEngine;
import hy.cli.server.engine.GenerationEvent;
import hy.cli.server.engine.GenerationJob;
import hy.cli.server.engine.GenerationListener;
import hy.cli.server.engine.GenerationRequest;
import hy.cli.server.engine.GenerationStats;
import hy.cli.server.engine.SlotState;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An engine that "generates" a fixed reply in the given pieces, for replies a random model never writes (think
 * blocks, tool calls). Each piece is one token event; the run ends with END_OF_GENERATION.
 */
final class ScriptedEngine implements GenerationEngine {
    private final AtomicLong ids = new AtomicLong();
    private volatile List<String> script = List.of();
    private volatile GenerationRequest last;

    void reply(String... pieces) {
        script = List.of(pieces);
    }

    /** The request most recently submitted. */
    GenerationRequest lastRequest() {
        return last;
    }

    @Override
    public GenerationJob submit(GenerationRequest request, GenerationListener listener) {
        last = request;
        GenerationJob job = new GenerationJob(ids.incrementAndGet(), request, listener);
        List<String> pieces = script;
        Thread.ofVirtual().start(() -> {
            listener.onEvent(new GenerationEvent.Started(0, 0));
            for (String p : pieces) listener.onEvent(new GenerationEvent.Token(0, p, List.of()));
            GenerationStats stats = new GenerationStats(0, request.prompt().length, 0, pieces.size() + 1, 1_000_000, 2_000_000);
            listener.onEvent(new GenerationEvent.Finished(FinishReason.END_OF_GENERATION, null, "", stats));
        });
        return job;
    }

    @Override
    public void cancel(GenerationJob job) {
        job.cancel();
    }

    @Override
    public List<SlotState> slotStates() {
        return List.of(new SlotState(0, 4096, false, -1, 0));
    }

    @Override
    public int waitingCount() {
        return 0;
    }

    @Override
    public void close() {
    }
}
