package hy.cli.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import hy.cli.server.engine.GenerationStats;

/** The accounting objects clients read: OpenAI's "usage" and llama-server's "timings". */
final class Usage {
    private Usage() {}

    /** {prompt_tokens, completion_tokens, total_tokens, prompt_tokens_details.cached_tokens}. */
    static ObjectNode usage(GenerationStats s) {
        ObjectNode u = ApiExchange.JSON.createObjectNode();
        u.put("prompt_tokens", s.promptTokens());
        u.put("completion_tokens", s.generatedTokens());
        u.put("total_tokens", s.promptTokens() + s.generatedTokens());
        u.putObject("prompt_tokens_details").put("cached_tokens", s.cachedTokens());
        return u;
    }

    /** llama-server's timings: evaluated prompt tokens and generated tokens with their times and speeds. */
    static ObjectNode timings(GenerationStats s) {
        ObjectNode t = ApiExchange.JSON.createObjectNode();
        double promptMs = s.promptNanos() / 1e6, genMs = s.generationNanos() / 1e6;
        int promptN = s.evaluatedPromptTokens(), genN = s.generatedTokens();
        t.put("cache_n", s.cachedTokens());
        t.put("prompt_n", promptN);
        t.put("prompt_ms", promptMs);
        t.put("prompt_per_token_ms", promptN == 0 ? 0 : promptMs / promptN);
        t.put("prompt_per_second", promptMs <= 0 ? 0 : promptN * 1e3 / promptMs);
        t.put("predicted_n", genN);
        t.put("predicted_ms", genMs);
        t.put("predicted_per_token_ms", genN == 0 ? 0 : genMs / genN);
        t.put("predicted_per_second", genMs <= 0 ? 0 : genN * 1e3 / genMs);
        return t;
    }
}
