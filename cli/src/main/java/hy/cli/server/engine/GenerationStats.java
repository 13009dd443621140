package hy.cli.server.engine;

/**
 * Counts and times of one finished generation.
 *
 * @param slot             the slot that ran it
 * @param promptTokens     the prompt's length
 * @param cachedTokens     prompt tokens reused from the slot's cache (not evaluated again)
 * @param generatedTokens  sampled tokens, an end-of-generation token included
 * @param promptNanos      time spent evaluating the uncached part of the prompt
 * @param generationNanos  time from the end of the prompt to the end of generation
 */
public record GenerationStats(int slot, int promptTokens, int cachedTokens, int generatedTokens, long promptNanos,
        long generationNanos) {

    /** Prompt tokens that were evaluated (not taken from the cache). */
    public int evaluatedPromptTokens() {
        return promptTokens - cachedTokens;
    }
}
