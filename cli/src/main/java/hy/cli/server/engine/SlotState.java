package hy.cli.server.engine;

/**
 * A snapshot of one slot for /slots and /health.
 *
 * @param id           slot number
 * @param contextLength the slot's context in tokens
 * @param processing   whether a request is running in it
 * @param jobId        the running request's id, or -1
 * @param cachedTokens tokens in the slot's KV cache (a finished conversation stays cached for prefix reuse)
 */
public record SlotState(int id, int contextLength, boolean processing, long jobId, int cachedTokens) {}
