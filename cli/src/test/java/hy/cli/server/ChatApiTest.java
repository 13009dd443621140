package hy.cli.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** OpenAI chat completions against the embedded model over real HTTP, greedy so that runs are comparable. */
class ChatApiTest {
    static HyServer server;
    static ApiClient api;

    @BeforeAll
    static void start() throws Exception {
        // 2048 tokens per slot: the tools preamble is long in a byte-level vocabulary. A long heartbeat: these streams must contain data events only.
        ServerConfig cfg = ServerConfig.defaults(2, 2048, "tiny").withPort(0).withHeartbeat(Duration.ofSeconds(30));
        server = HyServer.start(TestModels.embedded(), cfg, new PrintWriter(new StringWriter()));
        api = new ApiClient(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static ObjectNode chat(String user, int maxTokens) {
        ObjectNode r = ApiClient.JSON.createObjectNode();
        r.putArray("messages").addObject().put("role", "user").put("content", user);
        r.put("max_tokens", maxTokens);
        r.put("temperature", 0);
        r.put("ignore_eos", true);
        return r;
    }

    @Test
    void nonStreamingAnswerHasTheOpenAiShape() {
        JsonNode r = api.ok("/v1/chat/completions", chat("Hello there", 12));
        assertTrue(r.get("id").asText().startsWith("chatcmpl-"));
        assertEquals("chat.completion", r.get("object").asText());
        assertEquals("tiny", r.get("model").asText());
        assertTrue(r.get("created").isIntegralNumber());
        JsonNode choice = r.get("choices").get(0);
        assertEquals(0, choice.get("index").asInt());
        assertEquals("assistant", choice.get("message").get("role").asText());
        assertTrue(choice.get("message").get("content").isTextual());
        assertEquals("length", choice.get("finish_reason").asText());
        JsonNode usage = r.get("usage");
        assertEquals(12, usage.get("completion_tokens").asInt());
        assertEquals(promptTokens(chat("Hello there", 12)), usage.get("prompt_tokens").asInt());
        assertEquals(usage.get("prompt_tokens").asInt() + 12, usage.get("total_tokens").asInt());
        assertEquals(12, r.get("timings").get("predicted_n").asInt());
    }

    @Test
    void streamIsFramedAsOpenAiClientsParseItAndSaysWhatTheNonStreamingAnswerSays() {
        ObjectNode req = chat("Tell me a story", 20);
        JsonNode whole = api.ok("/v1/chat/completions", req);
        req.put("stream", true);
        List<String> events = api.stream("/v1/chat/completions", req);
        assertEquals("[DONE]", events.getLast());
        StringBuilder content = new StringBuilder();
        String id = null;
        JsonNode last = null;
        for (int i = 0; i < events.size() - 1; i++) {
            JsonNode chunk = ApiClient.parse(events.get(i));
            assertEquals("chat.completion.chunk", chunk.get("object").asText());
            if (id == null) id = chunk.get("id").asText();
            assertEquals(id, chunk.get("id").asText(), "one id for the whole stream");
            assertTrue(chunk.get("created").isIntegralNumber());
            assertEquals("tiny", chunk.get("model").asText());
            JsonNode delta = chunk.get("choices").get(0).get("delta");
            if (i == 0) assertEquals("assistant", delta.get("role").asText());
            if (delta.has("content")) content.append(delta.get("content").asText());
            assertFalse(delta.has("reasoning_content"), "the random model writes no think block");
            last = chunk;
        }
        assertTrue(id.startsWith("chatcmpl-"));
        assertEquals("length", last.get("choices").get(0).get("finish_reason").asText());
        assertTrue(last.get("choices").get(0).get("delta").isEmpty());
        assertEquals(whole.get("choices").get(0).get("message").get("content").asText(), content.toString());
        assertEquals(20, last.get("usage").get("completion_tokens").asInt());
    }

    @Test
    void includeUsageAddsAUsageChunkWithoutChoices() {
        ObjectNode req = chat("Count", 5);
        req.put("stream", true);
        req.putObject("stream_options").put("include_usage", true);
        List<String> events = api.stream("/v1/chat/completions", req);
        JsonNode usageChunk = ApiClient.parse(events.get(events.size() - 2));
        assertTrue(usageChunk.get("choices").isEmpty());
        assertEquals(5, usageChunk.get("usage").get("completion_tokens").asInt());
    }

    @Test
    void stopStringEndsTheAnswerBeforeIt() {
        String full = api.ok("/v1/chat/completions", chat("Stop test", 30)).get("choices").get(0).get("message").get("content").asText();
        // A stop string taken from the middle of the greedy answer (printable, not whitespace-trimmed away).
        String stop = ApiClient.printablePair(full);
        ObjectNode req = chat("Stop test", 30);
        req.put("stop", stop);
        JsonNode r = api.ok("/v1/chat/completions", req);
        assertEquals(full.substring(0, full.indexOf(stop)).strip(), r.get("choices").get(0).get("message").get("content").asText());
        assertEquals("stop", r.get("choices").get(0).get("finish_reason").asText());
    }

    @Test
    void enableThinkingFalseAppendsTheEmptyThinkBlockBothWays() {
        ObjectNode a = chat("Hi", 1);
        a.put("enable_thinking", false);
        ObjectNode b = chat("Hi", 1);
        b.putObject("chat_template_kwargs").put("enable_thinking", false);
        String pa = api.ok("/apply-template", a).get("prompt").asText();
        assertEquals("<|startoftext|>Hi<|extra_0|><think>\n\n</think>\n", pa);
        assertEquals(pa, api.ok("/apply-template", b).get("prompt").asText());
        assertEquals(promptTokens(a), api.ok("/v1/chat/completions", a).get("usage").get("prompt_tokens").asInt());
        assertNotEquals(promptTokens(chat("Hi", 1)), promptTokens(a));
    }

    @Test
    void toolsSelectTheTemplatesToolBranch() {
        ObjectNode req = chat("What is the weather in Paris?", 3);
        ObjectNode fn = req.putArray("tools").addObject().put("type", "function").putObject("function");
        fn.put("name", "get_weather");
        fn.putObject("parameters").put("type", "object");
        String prompt = api.ok("/apply-template", req).get("prompt").asText();
        assertTrue(prompt.startsWith("<|startoftext|>你是一位函数组合专家"), prompt);
        assertTrue(prompt.contains("\"name\": \"get_weather\""), prompt);
        assertTrue(prompt.endsWith("用户：What is the weather in Paris?<|extra_0|>"), prompt);
        JsonNode r = api.ok("/v1/chat/completions", req);
        // The prompt the model saw is the tools rendering (the time in it changes, its token count does not).
        assertEquals(promptTokens(req), r.get("usage").get("prompt_tokens").asInt());

        req.put("tool_choice", "none");
        assertEquals("<|startoftext|>What is the weather in Paris?<|extra_0|>", api.ok("/apply-template", req).get("prompt").asText());
    }

    @Test
    void aFollowUpTurnReusesTheCachedConversation() {
        ObjectNode first = chat("My name is Ada.", 8);
        JsonNode r1 = api.ok("/v1/chat/completions", first);
        String answer = r1.get("choices").get(0).get("message").get("content").asText();
        ObjectNode second = chat("My name is Ada.", 4);
        second.withArray("messages").addObject().put("role", "assistant").put("content", answer);
        second.withArray("messages").addObject().put("role", "user").put("content", "What is my name?");
        JsonNode r2 = api.ok("/v1/chat/completions", second);
        int firstPrompt = r1.get("usage").get("prompt_tokens").asInt();
        int cached = r2.get("usage").get("prompt_tokens_details").get("cached_tokens").asInt();
        assertTrue(cached >= firstPrompt, "the first turn's prompt (" + firstPrompt + " tokens) is reused, got " + cached);
        assertEquals(r2.get("usage").get("prompt_tokens").asInt() - cached, r2.get("timings").get("prompt_n").asInt());
    }

    @Test
    void modelsPropsAndHealthDescribeTheServer() {
        JsonNode models = api.get("/v1/models").json();
        assertEquals("list", models.get("object").asText());
        assertEquals("tiny", models.get("data").get(0).get("id").asText());
        JsonNode props = api.get("/props").json();
        assertEquals(2, props.get("total_slots").asInt());
        assertEquals(2048, props.get("default_generation_settings").get("n_ctx").asInt());
        JsonNode health = api.get("/health").json();
        assertEquals("ok", health.get("status").asText());
        assertEquals(Set.of("status", "slots_idle", "slots_processing"), Set.copyOf(iterable(health.fieldNames())));
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    /** The length of the chat's prompt as the server renders (/apply-template) and tokenizes (/tokenize) it. */
    static int promptTokens(JsonNode chatRequest) {
        String prompt = api.ok("/apply-template", chatRequest).get("prompt").asText();
        ObjectNode t = ApiClient.JSON.createObjectNode().put("content", prompt);
        return api.ok("/tokenize", t).get("tokens").size();
    }
}
