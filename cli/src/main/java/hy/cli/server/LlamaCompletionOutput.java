package hy.cli.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import hy.cli.server.engine.FinishReason;
import hy.cli.server.engine.GenerationEvent;
import hy.cli.server.engine.GenerationRequest;
import hy.cli.server.engine.GenerationStats;
import hy.cli.server.engine.TokenProbability;
import hy.runtime.tokenizer.Tokenizer;
import java.io.IOException;

/**
 * Output of llama-server's own completion endpoint (/completion), the one notebook-style front ends such as mikupad
 * use: "content" and "stop" per streamed event (no [DONE]), and with n_probs the "completion_probabilities" of
 * ik_llama.cpp: per generated token {"content": token text, "probs": [{"tok_str", "prob"}, ...]} (plus the ids).
 */
final class LlamaCompletionOutput implements GenerationRun.Sink {
    private final GenerationResponse out;
    private final ServerContext ctx;
    private final GenerationRequest request;
    private final Tokenizer tokenizer;
    private final StringBuilder content = new StringBuilder();
    private final ArrayNode probabilities = ApiExchange.JSON.createArrayNode();
    private int slot = -1;

    LlamaCompletionOutput(GenerationResponse out, ServerContext ctx, GenerationRequest request) {
        this.out = out;
        this.ctx = ctx;
        this.request = request;
        this.tokenizer = ctx.model().tokenizer();
    }

    @Override
    public boolean accept(GenerationEvent event) throws IOException {
        switch (event) {
            case GenerationEvent.Started s -> {
                slot = s.slot();
                return false;
            }
            case GenerationEvent.Token t -> {
                content.append(t.text());
                ObjectNode probs = request.nProbs() > 0 ? probabilities(t) : null;
                if (probs != null && !out.streaming()) probabilities.add(probs);
                if (out.streaming() && (!t.text().isEmpty() || probs != null)) {
                    ObjectNode e = event(t.text(), false);
                    if (probs != null) e.putArray("completion_probabilities").add(probs);
                    out.event(e);
                }
                return false;
            }
            case GenerationEvent.Finished f -> {
                content.append(f.text());
                ObjectNode last = event(out.streaming() ? f.text() : content.toString(), true);
                finalFields(last, f);
                if (out.streaming()) {
                    out.event(last);
                } else {
                    if (request.nProbs() > 0) last.set("completion_probabilities", probabilities);
                    out.json(last);
                }
                return true;
            }
            case GenerationEvent.Failed e -> {
                out.fail(new ApiException(500, "server_error", "generation failed: " + e.error().getMessage()));
                return true;
            }
        }
    }

    private ObjectNode event(String text, boolean stop) {
        ObjectNode e = ApiExchange.JSON.createObjectNode();
        e.put("content", text);
        e.put("stop", stop);
        e.put("id_slot", slot);
        e.put("index", 0);
        return e;
    }

    private void finalFields(ObjectNode o, GenerationEvent.Finished f) {
        GenerationStats s = f.stats();
        o.put("model", ctx.config().modelAlias());
        o.put("tokens_predicted", s.generatedTokens());
        o.put("tokens_evaluated", s.promptTokens());
        o.put("tokens_cached", s.cachedTokens());
        o.set("generation_settings", GenerationSettings.of(ctx.config(), request));
        o.put("prompt", tokenizer == null ? "" : tokenizer.decode(request.prompt()));
        o.put("truncated", false);
        o.put("stopped_eos", f.reason() == FinishReason.END_OF_GENERATION);
        o.put("stopped_word", f.reason() == FinishReason.STOP_STRING);
        o.put("stopped_limit", f.reason() == FinishReason.TOKEN_LIMIT || f.reason() == FinishReason.CONTEXT_FULL);
        o.put("stopping_word", f.stopWord() == null ? "" : f.stopWord());
        o.set("timings", Usage.timings(s));
    }

    /** The token and its top candidates (softmax of the raw logits). */
    private ObjectNode probabilities(GenerationEvent.Token t) {
        ObjectNode entry = ApiExchange.JSON.createObjectNode();
        entry.put("content", tokenText(t.id()));
        entry.put("id", t.id());
        ArrayNode probs = entry.putArray("probs");
        for (TokenProbability p : t.probs()) {
            ObjectNode c = probs.addObject();
            c.put("id", p.id());
            c.put("tok_str", tokenText(p.id()));
            c.put("prob", p.probability());
        }
        return entry;
    }

    private String tokenText(int id) {
        return tokenizer == null ? "" : tokenizer.vocabulary().tokenText(id);
    }
}
