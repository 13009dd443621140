package hy.cli.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import hy.cli.server.engine.SlotState;
import hy.runtime.model.HunyuanConfig;
import java.io.IOException;
import java.util.List;

/** The read-only endpoints: /health, /v1/models, /props and /slots, in llama-server's shapes. */
final class InfoEndpoints {
    private final ServerContext ctx;
    private final long started = System.currentTimeMillis() / 1000;

    InfoEndpoints(ServerContext ctx) {
        this.ctx = ctx;
    }

    /** {status: "ok", slots_idle, slots_processing}; with ?fail_on_no_slot, 503 when every slot is busy. */
    void health(ApiExchange ex) throws IOException {
        List<SlotState> slots = ctx.engine().slotStates();
        long busy = slots.stream().filter(SlotState::processing).count();
        String query = ex.uri().getQuery();
        if (query != null && query.contains("fail_on_no_slot") && busy == slots.size()) {
            throw new ApiException(503, "unavailable_error", "no slot available");
        }
        ObjectNode o = ApiExchange.JSON.createObjectNode();
        o.put("status", "ok");
        o.put("slots_idle", slots.size() - busy);
        o.put("slots_processing", busy);
        ex.sendJson(200, o);
    }

    /** The one model, OpenAI's list shape with llama-server's "meta". */
    void models(ApiExchange ex) throws IOException {
        HunyuanConfig c = ctx.model().config();
        ObjectNode root = ApiExchange.JSON.createObjectNode();
        root.put("object", "list");
        ObjectNode m = root.putArray("data").addObject();
        m.put("id", ctx.config().modelAlias());
        m.put("object", "model");
        m.put("created", started);
        m.put("owned_by", "hy");
        ObjectNode meta = m.putObject("meta");
        meta.put("n_vocab", c.vocabSize());
        meta.put("n_ctx_train", c.contextLength());
        meta.put("n_embd", c.hiddenSize());
        meta.put("n_params", c.parameterCount());
        meta.put("size", ctx.model().file().fileSize());
        ex.sendJson(200, root);
    }

    /** Server settings: default generation settings, slot count, chat template. */
    void props(ApiExchange ex) throws IOException {
        ObjectNode o = ApiExchange.JSON.createObjectNode();
        o.set("default_generation_settings", GenerationSettings.defaults(ctx.config()));
        o.put("total_slots", ctx.config().slots());
        o.put("model_alias", ctx.config().modelAlias());
        o.put("model_path", ctx.model().file().label());
        String template = ctx.model().chatTemplate();
        o.put("chat_template", template == null ? "" : template);
        o.putObject("modalities").put("vision", false).put("audio", false);
        ex.sendJson(200, o);
    }

    /** Per-slot state (id, n_ctx, is_processing, id_task, tokens cached). */
    void slots(ApiExchange ex) throws IOException {
        ArrayNode arr = ApiExchange.JSON.createArrayNode();
        for (SlotState s : ctx.engine().slotStates()) {
            ObjectNode o = arr.addObject();
            o.put("id", s.id());
            o.put("n_ctx", s.contextLength());
            o.put("is_processing", s.processing());
            o.put("id_task", s.jobId());
            o.put("n_cached", s.cachedTokens());
        }
        ex.sendJson(200, arr);
    }
}
