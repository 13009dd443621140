package hy.cli.server;

import com.fasterxml.jackson.databind.JsonNode;
import hy.cli.server.engine.GenerationRequest;
import hy.runtime.sampling.SamplerConfig;
import java.util.List;

/**
 * The generation fields shared by the completion and chat endpoints (llama.cpp's names, with OpenAI's aliases),
 * read and checked against the server's limits. Unset fields take the server's sampling defaults (the command line).
 *
 * @param maxTokens -1 = until an end-of-generation token or the slot's context is full
 */
record GenerationParams(SamplerConfig sampling, int maxTokens, List<String> stop, int nProbs, boolean ignoreEos) {

    /** OpenAI allows 4 stop strings; llama.cpp has no limit; this bounds the per-token matching work. */
    static final int MAX_STOP_STRINGS = 16;
    static final int MAX_N_PROBS = 100;

    /**
     * @param maxTokenFields the names that may carry the token limit, in order of precedence
     * @param withProbs      whether n_probs is read (the llama.cpp completion endpoint)
     */
    static GenerationParams read(JsonNode body, ServerConfig cfg, List<String> maxTokenFields, boolean withProbs) {
        SamplerConfig d = cfg.sampling();
        rejectUnsupported(body);
        float temperature = JsonFields.number(body, "temperature", d.temperature(), 0f, false, 100f);
        int topK = JsonFields.integer(body, "top_k", d.topK(), 0, Integer.MAX_VALUE);
        float topP = JsonFields.number(body, "top_p", d.topP(), 0f, true, 1f);
        float minP = JsonFields.number(body, "min_p", d.minP(), 0f, false, 1f);
        float repeatPenalty = JsonFields.number(body, "repeat_penalty", d.repeatPenalty(), 0f, true, 100f);
        int repeatLastN = JsonFields.integer(body, "repeat_last_n", d.repeatLastN(), -1, cfg.slotContext());
        if (repeatLastN == -1) repeatLastN = cfg.slotContext(); // "the whole context" is at most a slot
        long seed = JsonFields.integer(body, "seed", d.seed(), Long.MIN_VALUE, Long.MAX_VALUE);
        SamplerConfig sampling = new SamplerConfig(temperature, topK, topP, minP, repeatPenalty, repeatLastN, seed);
        int maxTokens = -1;
        for (String f : maxTokenFields) {
            if (JsonFields.present(body, f)) {
                maxTokens = JsonFields.integer(body, f, -1, -1, cfg.slotContext());
                break;
            }
        }
        List<String> stop = JsonFields.strings(body, "stop", MAX_STOP_STRINGS);
        int nProbs = withProbs ? JsonFields.integer(body, "n_probs", 0, 0, MAX_N_PROBS) : 0;
        boolean ignoreEos = JsonFields.bool(body, "ignore_eos", false);
        return new GenerationParams(sampling, maxTokens, stop, nProbs, ignoreEos);
    }

    /** Fields whose effect this server does not implement are refused rather than silently ignored. */
    private static void rejectUnsupported(JsonNode body) {
        for (String f : List.of("presence_penalty", "frequency_penalty")) {
            if (JsonFields.number(body, f, 0f, -2f, false, 2f) != 0f) {
                throw ApiException.badRequest("'" + f + "' is not supported by this server; use repeat_penalty");
            }
        }
        JsonFields.integer(body, "n", 1, 1, 1); // one choice per request
        for (String f : List.of("grammar", "json_schema", "logit_bias")) {
            if (JsonFields.present(body, f)) throw ApiException.badRequest("'" + f + "' is not supported by this server");
        }
    }

    /**
     * The request for {@code prompt}; 400 when it leaves no room to generate in a slot's context (llama-server's
     * exceed_context_size_error).
     */
    GenerationRequest toRequest(int[] prompt, ServerConfig cfg) {
        if (prompt.length == 0) throw ApiException.badRequest("the prompt is empty");
        if (prompt.length >= cfg.slotContext()) {
            throw new ApiException(400, "exceed_context_size_error", "the prompt has " + prompt.length
                    + " tokens but a slot holds " + cfg.slotContext() + " (the server's -c divided by -np); shorten the prompt or raise -c");
        }
        return new GenerationRequest(prompt, sampling, maxTokens, stop, nProbs, ignoreEos);
    }
}
