package hy.cli.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import hy.cli.server.engine.GenerationRequest;
import java.io.IOException;
import java.util.List;
import java.util.function.Function;

/**
 * The endpoints that generate: OpenAI chat completions, OpenAI text completions and llama-server's /completion.
 * Each reads and checks its request completely before queueing it, so every refusal is a 4xx with nothing
 * generated; the answer streams when "stream" is true.
 */
final class GenerationEndpoints {
    private final ServerContext ctx;

    GenerationEndpoints(ServerContext ctx) {
        this.ctx = ctx;
    }

    /** POST /v1/chat/completions. */
    void chat(ApiExchange ex) throws IOException {
        ObjectNode body = ex.jsonBody();
        ChatRequest chat = ChatRequest.read(body);
        GenerationParams params = GenerationParams.read(body, ctx.config(), List.of("max_completion_tokens", "max_tokens", "n_predict"), false);
        if (JsonFields.bool(body, "logprobs", false)) {
            throw ApiException.badRequest("'logprobs' is not supported on chat completions; use /completion with n_probs");
        }
        boolean includeUsage = false;
        JsonNode streamOptions = JsonFields.object(body, "stream_options");
        if (streamOptions != null) includeUsage = JsonFields.bool(streamOptions, "include_usage", false);
        int[] prompt = ctx.tokenizer().encode(chat.render(), true, false);
        boolean usage = includeUsage;
        run(ex, body, params.toRequest(prompt, ctx.config()), out -> new ChatOutput(out, ctx.config().modelAlias(), chat, usage));
    }

    /** POST /v1/completions. */
    void openAiCompletion(ApiExchange ex) throws IOException {
        ObjectNode body = ex.jsonBody();
        int[] prompt = CompletionPrompt.read(body, ctx);
        GenerationParams params = GenerationParams.read(body, ctx.config(), List.of("max_tokens", "n_predict"), false);
        if (JsonFields.integer(body, "logprobs", 0, 0, 5) > 0) {
            throw ApiException.badRequest("'logprobs' is not supported on /v1/completions; use /completion with n_probs");
        }
        if (JsonFields.bool(body, "echo", false)) throw ApiException.badRequest("'echo' is not supported by this server");
        if (JsonFields.present(body, "suffix")) throw ApiException.badRequest("'suffix' (infill) is not supported by this server");
        run(ex, body, params.toRequest(prompt, ctx.config()), out -> new OpenAiCompletionOutput(out, ctx.config().modelAlias()));
    }

    /** POST /completion (llama-server's API, with n_probs). */
    void llamaCompletion(ApiExchange ex) throws IOException {
        ObjectNode body = ex.jsonBody();
        int[] prompt = CompletionPrompt.read(body, ctx);
        GenerationParams params = GenerationParams.read(body, ctx.config(), List.of("n_predict", "max_tokens"), true);
        GenerationRequest request = params.toRequest(prompt, ctx.config());
        run(ex, body, request, out -> new LlamaCompletionOutput(out, ctx, request));
    }

    private void run(ApiExchange ex, JsonNode body, GenerationRequest request, Function<GenerationResponse, GenerationRun.Sink> sink)
            throws IOException {
        boolean stream = JsonFields.bool(body, "stream", false);
        GenerationRun run = GenerationRun.submit(ctx.engine(), request);
        run.pump(() -> stream ? GenerationResponse.sse(ex) : GenerationResponse.json(ex), ctx.config().heartbeat(), sink);
    }
}
