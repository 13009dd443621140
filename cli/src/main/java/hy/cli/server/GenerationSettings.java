package hy.cli.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import hy.cli.server.engine.GenerationRequest;
import hy.runtime.sampling.SamplerConfig;
import java.util.List;

/** llama-server's "generation_settings" object: the settings a request ran with (or the defaults, for /props). */
final class GenerationSettings {
    private GenerationSettings() {}

    static ObjectNode of(ServerConfig cfg, SamplerConfig s, int nPredict, Iterable<String> stop, int nProbs, boolean ignoreEos) {
        ObjectNode o = ApiExchange.JSON.createObjectNode();
        o.put("n_ctx", cfg.slotContext());
        o.put("n_predict", nPredict);
        o.put("model", cfg.modelAlias());
        o.put("seed", s.seed());
        o.put("temperature", s.temperature());
        o.put("top_k", s.topK());
        o.put("top_p", s.topP());
        o.put("min_p", s.minP());
        o.put("repeat_penalty", s.repeatPenalty());
        o.put("repeat_last_n", s.repeatLastN());
        stop.forEach(o.putArray("stop")::add);
        o.put("n_probs", nProbs);
        o.put("ignore_eos", ignoreEos);
        return o;
    }

    static ObjectNode of(ServerConfig cfg, GenerationRequest r) {
        return of(cfg, r.sampling(), r.maxTokens(), r.stop(), r.nProbs(), r.ignoreEos());
    }

    static ObjectNode defaults(ServerConfig cfg) {
        return of(cfg, cfg.sampling(), -1, List.of(), 0, false);
    }
}
