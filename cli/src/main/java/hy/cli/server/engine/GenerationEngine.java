package hy.cli.server.engine;

import java.util.List;

/**
 * What the HTTP layer needs from whatever runs generations: queue a request, give it up, report the slots. The
 * real one is {@link SlotScheduler}; tests substitute scripted output to check the API mapping of replies a random
 * model never produces (reasoning blocks, tool calls).
 */
public interface GenerationEngine extends AutoCloseable {
    /** Queues a request; its events go to {@code listener}. Throws IllegalStateException when it cannot be queued. */
    GenerationJob submit(GenerationRequest request, GenerationListener listener);

    /** Gives up a request (its client has gone). */
    void cancel(GenerationJob job);

    List<SlotState> slotStates();

    /** Requests waiting for a slot. */
    int waitingCount();

    @Override
    void close();
}
