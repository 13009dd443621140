package hy.cli.server.engine;

/**
 * Receives a generation's events on the engine thread. Implementations must return at once (hand the event to
 * another thread): a blocked listener would stall every slot.
 */
@FunctionalInterface
public interface GenerationListener {
    void onEvent(GenerationEvent event);
}
