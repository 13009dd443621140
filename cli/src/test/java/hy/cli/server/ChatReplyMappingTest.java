package hy.cli.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * How Hunyuan's reply format reaches OpenAI clients over HTTP, with scripted replies (tags split across pieces as
 * tokens split them): reasoning_content apart from content, tool calls, /no_think replies, reasoning_format none.
 */
class ChatReplyMappingTest {
    static final String[] THINKING = {"<th", "ink>\nI should", " greet.\n</thi", "nk>\n<ans", "wer>\nHello", " there!\n</answer>"};
    static final String[] TOOL_CALL = {"<think>\nNeed weather.\n</think>\n<answer>\n<tool_", "calls>[{\"name\": \"get_weather\", ",
            "\"arguments\": {\"city\": \"Paris\"}}]</tool_calls>\n</answer>"};

    static ScriptedEngine engine = new ScriptedEngine();
    static HyServer server;
    static ApiClient api;

    @BeforeAll
    static void start() throws Exception {
        ServerConfig cfg = ServerConfig.defaults(1, 4096, "tiny").withPort(0);
        server = HyServer.start(TestModels.embedded(), cfg, engine, new PrintWriter(new StringWriter()));
        api = new ApiClient(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static ObjectNode chat(boolean stream, boolean tools) {
        ObjectNode r = ApiClient.JSON.createObjectNode();
        r.putArray("messages").addObject().put("role", "user").put("content", "Hi");
        r.put("stream", stream);
        if (tools) {
            ObjectNode fn = r.putArray("tools").addObject().put("type", "function").putObject("function");
            fn.put("name", "get_weather");
            fn.putObject("parameters").put("type", "object").putObject("properties").putObject("city").put("type", "string");
        }
        return r;
    }

    /** The concatenated deltas of a streamed chat per field, and the finish reason. */
    record Streamed(String reasoning, String content, JsonNode toolCalls, String finishReason) {}

    static Streamed stream(ObjectNode req) {
        List<String> events = api.stream("/v1/chat/completions", req);
        assertEquals("[DONE]", events.getLast());
        StringBuilder reasoning = new StringBuilder(), content = new StringBuilder();
        JsonNode calls = null;
        String finish = null;
        for (String e : events.subList(0, events.size() - 1)) {
            JsonNode choice = ApiClient.parse(e).get("choices").get(0);
            JsonNode delta = choice.get("delta");
            if (delta.has("reasoning_content")) reasoning.append(delta.get("reasoning_content").asText());
            if (delta.has("content")) content.append(delta.get("content").asText());
            if (delta.has("tool_calls")) calls = delta.get("tool_calls");
            if (!choice.get("finish_reason").isNull()) finish = choice.get("finish_reason").asText();
        }
        return new Streamed(reasoning.toString(), content.toString(), calls, finish);
    }

    @Test
    void reasoningIsSeparatedFromTheAnswer() {
        engine.reply(THINKING);
        JsonNode message = api.ok("/v1/chat/completions", chat(false, false)).get("choices").get(0).get("message");
        assertEquals("I should greet.", message.get("reasoning_content").asText());
        assertEquals("Hello there!", message.get("content").asText());

        Streamed s = stream(chat(true, false));
        assertEquals("I should greet.", s.reasoning());
        assertEquals("Hello there!", s.content());
        assertEquals("stop", s.finishReason());
    }

    @Test
    void noThinkRepliesHaveNoReasoning() {
        engine.reply("<think>\n\n</think>\n<answer>\nHi!\n</answer>");
        JsonNode message = api.ok("/v1/chat/completions", chat(false, false)).get("choices").get(0).get("message");
        assertFalse(message.has("reasoning_content"));
        assertEquals("Hi!", message.get("content").asText());
    }

    @Test
    void reasoningFormatNoneKeepsTheTags() {
        engine.reply(THINKING);
        ObjectNode req = chat(false, false);
        req.put("reasoning_format", "none");
        JsonNode message = api.ok("/v1/chat/completions", req).get("choices").get(0).get("message");
        assertEquals(String.join("", THINKING), message.get("content").asText());
    }

    @Test
    void toolCallsBecomeOpenAiToolCalls() {
        engine.reply(TOOL_CALL);
        JsonNode choice = api.ok("/v1/chat/completions", chat(false, true)).get("choices").get(0);
        assertEquals("tool_calls", choice.get("finish_reason").asText());
        JsonNode message = choice.get("message");
        assertTrue(message.get("content").isNull());
        assertEquals("Need weather.", message.get("reasoning_content").asText());
        JsonNode call = message.get("tool_calls").get(0);
        assertTrue(call.get("id").asText().startsWith("call_"));
        assertEquals("function", call.get("type").asText());
        assertEquals("get_weather", call.get("function").get("name").asText());
        assertEquals(ApiClient.parse("{\"city\": \"Paris\"}"), ApiClient.parse(call.get("function").get("arguments").asText()));

        Streamed s = stream(chat(true, true));
        assertEquals("tool_calls", s.finishReason());
        assertEquals("", s.content(), "no part of the tool-call block leaks into the content");
        assertEquals(0, s.toolCalls().get(0).get("index").asInt());
        assertEquals("get_weather", s.toolCalls().get(0).get("function").get("name").asText());
    }

    @Test
    void theAssistantMarkerOfTheToolsTemplateIsRemoved() {
        engine.reply("<answer>\n助手：", "It is sunny.\n</answer>");
        JsonNode choice = api.ok("/v1/chat/completions", chat(false, true)).get("choices").get(0);
        assertEquals("It is sunny.", choice.get("message").get("content").asText());
        assertEquals("stop", choice.get("finish_reason").asText());
        assertEquals("It is sunny.", stream(chat(true, true)).content());
    }

    @Test
    void withoutToolsATagIsJustText() {
        engine.reply(TOOL_CALL);
        JsonNode choice = api.ok("/v1/chat/completions", chat(false, false)).get("choices").get(0);
        assertEquals("stop", choice.get("finish_reason").asText());
        assertTrue(choice.get("message").get("content").asText().startsWith("<tool_calls>"));
    }

    @Test
    void theRequestReachesTheEngineAsTheRenderedPrompt() {
        engine.reply("ok");
        ObjectNode req = chat(false, false);
        req.put("max_tokens", 7).put("temperature", 0.3).put("top_k", 5).put("seed", 42).put("stop", "END");
        api.ok("/v1/chat/completions", req);
        var r = engine.lastRequest();
        assertEquals(7, r.maxTokens());
        assertEquals(0.3f, r.sampling().temperature());
        assertEquals(5, r.sampling().topK());
        assertEquals(42, r.sampling().seed());
        assertEquals(List.of("END"), r.stop());
        int[] expected = TestModels.embedded().tokenizer().encode("<|startoftext|>Hi<|extra_0|>", true);
        assertTrue(java.util.Arrays.equals(expected, r.prompt()));
    }
}
