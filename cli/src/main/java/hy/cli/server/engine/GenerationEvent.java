package hy.cli.server.engine;

import java.util.List;

/** What the engine reports about a running generation, in order: Started, Token*, then Finished or Failed. */
public sealed interface GenerationEvent {

    /** The request got a slot; {@code cachedTokens} of its prompt are reused from that slot's cache. */
    record Started(int slot, int cachedTokens) implements GenerationEvent {}

    /**
     * One sampled token.
     *
     * @param text  output text that became final with this token (may be empty: part of a UTF-8 character or of a
     *              possible stop string is held back)
     * @param probs the top candidates when the request asked for them, else empty
     */
    record Token(int id, String text, List<TokenProbability> probs) implements GenerationEvent {}

    /** The end; {@code text} is output that was held back until now (never part of a matched stop string). */
    record Finished(FinishReason reason, String stopWord, String text, GenerationStats stats) implements GenerationEvent {}

    /** The generation broke off with an error; the slot has been reset. */
    record Failed(Throwable error) implements GenerationEvent {}
}
