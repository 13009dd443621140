package hy.cli.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import hy.cli.server.engine.GenerationEvent;
import hy.cli.server.engine.GenerationStats;
import hy.runtime.chat.ReasoningParser;
import hy.runtime.chat.ToolCall;
import hy.runtime.chat.ToolCallParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a chat run's events into OpenAI chat completion output: one {@code chat.completion} object, or a stream of
 * {@code chat.completion.chunk} events ending with {@code data: [DONE]}. The model's think block goes to
 * {@code reasoning_content}, the answer to {@code content} (both as deltas while streaming); with tools, a
 * {@code <tool_calls>} block becomes {@code tool_calls} and the finish reason "tool_calls".
 */
final class ChatOutput implements GenerationRun.Sink, ReasoningParser.Listener {
    private final GenerationResponse out;
    private final String id = Ids.next("chatcmpl-");
    private final long created = System.currentTimeMillis() / 1000;
    private final String model;
    private final boolean includeUsage;
    private final ReasoningParser reasoning;
    private final ToolReplyFilter tools;

    private final StringBuilder reasoningText = new StringBuilder();
    private final StringBuilder contentText = new StringBuilder();
    /** Deltas produced by the parsers for the current event, written after it. */
    private final List<ObjectNode> deltas = new ArrayList<>();

    ChatOutput(GenerationResponse out, String model, ChatRequest chat, boolean includeUsage) {
        this.out = out;
        this.model = model;
        this.includeUsage = includeUsage;
        this.reasoning = chat.splitReasoning() ? new ReasoningParser(this) : null;
        this.tools = chat.toolsActive() ? new ToolReplyFilter() : null;
    }

    @Override
    public boolean accept(GenerationEvent event) throws IOException {
        switch (event) {
            case GenerationEvent.Started s -> {
                if (out.streaming()) chunk(delta().put("role", "assistant").put("content", ""), null);
                return false;
            }
            case GenerationEvent.Token t -> {
                text(t.text());
                writeDeltas();
                return false;
            }
            case GenerationEvent.Finished f -> {
                text(f.text());
                if (reasoning != null) reasoning.finish();
                List<ToolCall> calls = List.of();
                if (tools != null) {
                    ToolCallParser.Parsed rest = tools.finish();
                    answer(rest.content());
                    calls = rest.calls();
                }
                writeDeltas();
                finish(f, calls);
                return true;
            }
            case GenerationEvent.Failed e -> {
                out.fail(new ApiException(500, "server_error", "generation failed: " + e.error().getMessage()));
                return true;
            }
        }
    }

    private void text(String piece) {
        if (piece.isEmpty()) return;
        if (reasoning != null) reasoning.accept(piece);
        else onAnswer(piece);
    }

    @Override
    public void onReasoning(String text) {
        reasoningText.append(text);
        deltas.add(delta().put("reasoning_content", text));
    }

    @Override
    public void onAnswer(String text) {
        answer(tools != null ? tools.accept(text) : text);
    }

    private void answer(String text) {
        if (text.isEmpty()) return;
        contentText.append(text);
        deltas.add(delta().put("content", text));
    }

    private void writeDeltas() throws IOException {
        if (out.streaming()) {
            for (ObjectNode d : deltas) chunk(d, null);
        }
        deltas.clear();
    }

    private void finish(GenerationEvent.Finished f, List<ToolCall> calls) throws IOException {
        String reason = calls.isEmpty() ? f.reason().openAi() : "tool_calls";
        GenerationStats stats = f.stats();
        if (out.streaming()) {
            if (!calls.isEmpty()) chunk(delta().set("tool_calls", toolCalls(calls, true)), null);
            ObjectNode last = chunkNode(delta(), reason);
            last.set("usage", Usage.usage(stats));
            last.set("timings", Usage.timings(stats));
            out.event(last);
            if (includeUsage) {
                ObjectNode u = base("chat.completion.chunk");
                u.putArray("choices");
                u.set("usage", Usage.usage(stats));
                out.event(u);
            }
            out.done();
            return;
        }
        ObjectNode root = base("chat.completion");
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        String content = contentText.toString().strip();
        if (content.isEmpty() && !calls.isEmpty()) message.putNull("content");
        else message.put("content", content);
        if (!reasoningText.isEmpty()) message.put("reasoning_content", reasoningText.toString());
        if (!calls.isEmpty()) message.set("tool_calls", toolCalls(calls, false));
        choice.putNull("logprobs");
        choice.put("finish_reason", reason);
        root.set("usage", Usage.usage(stats));
        root.set("timings", Usage.timings(stats));
        out.json(root);
    }

    private ObjectNode base(String object) {
        ObjectNode root = ApiExchange.JSON.createObjectNode();
        root.put("id", id);
        root.put("object", object);
        root.put("created", created);
        root.put("model", model);
        return root;
    }

    private void chunk(ObjectNode delta, String finishReason) throws IOException {
        out.event(chunkNode(delta, finishReason));
    }

    /** A chunk with one choice (llama-server adds usage and timings to the last one, finish_reason set). */
    private ObjectNode chunkNode(ObjectNode delta, String finishReason) {
        ObjectNode root = base("chat.completion.chunk");
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        if (finishReason == null) choice.putNull("finish_reason");
        else choice.put("finish_reason", finishReason);
        return root;
    }

    private static ObjectNode delta() {
        return ApiExchange.JSON.createObjectNode();
    }

    private static ArrayNode toolCalls(List<ToolCall> calls, boolean indexed) {
        ArrayNode arr = ApiExchange.JSON.createArrayNode();
        for (int i = 0; i < calls.size(); i++) {
            ObjectNode c = arr.addObject();
            if (indexed) c.put("index", i);
            c.put("id", Ids.next("call_"));
            c.put("type", "function");
            ObjectNode fn = c.putObject("function");
            fn.put("name", calls.get(i).name());
            fn.put("arguments", calls.get(i).arguments());
        }
        return arr;
    }
}
