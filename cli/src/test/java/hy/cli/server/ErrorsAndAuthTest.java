package hy.cli.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad requests get a 4xx with an OpenAI-style error body and the server keeps serving; the API key is enforced. */
class ErrorsAndAuthTest {
    static final String KEY = "sk-test-123";
    static HyServer server;
    static ApiClient api;
    static ApiClient anonymous;

    @BeforeAll
    static void start() throws Exception {
        ServerConfig cfg = ServerConfig.defaults(1, 256, "tiny").withPort(0).withApiKey(KEY);
        cfg = new ServerConfig(cfg.host(), cfg.port(), cfg.apiKey(), cfg.slots(), cfg.slotContext(), cfg.cacheTypeK(), cfg.cacheTypeV(),
                cfg.sampling(), cfg.modelAlias(), cfg.heartbeat(), cfg.maxQueue(), 64 * 1024);
        server = HyServer.start(TestModels.embedded(), cfg, new PrintWriter(new StringWriter()));
        api = new ApiClient(server, KEY);
        anonymous = new ApiClient(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            /v1/chat/completions | {"messages": [{"role": "user", "content": "hi"}         | not valid JSON
            /v1/chat/completions | [1, 2, 3]                                                | must be a JSON object
            /v1/chat/completions | {"messages": [{"role":"user","content":"hi"}]} trailing | not valid JSON
            /v1/chat/completions | {"messages": "hi"}                                       | 'messages' must be an array
            /v1/chat/completions | {"messages": []}                                         | 'messages' must be a non-empty array
            /v1/chat/completions | {"messages": [{"content": "hi"}]}                         | 'messages[0].role' must be a string
            /v1/chat/completions | {"messages": [{"role": "user", "content": 5}]}           | 'messages[0].content' must be
            /v1/chat/completions | {"messages": [{"role": "user", "content": "hi"}], "temperature": "hot"} | 'temperature' must be a number
            /v1/chat/completions | {"messages": [{"role": "user", "content": "hi"}], "max_tokens": -5}    | 'max_tokens' must be an integer in [-1, 256]
            /v1/chat/completions | {"messages": [{"role": "user", "content": "hi"}], "max_tokens": 1e12}  | 'max_tokens' must be an integer
            /v1/chat/completions | {"messages": [{"role": "user", "content": "hi"}], "max_tokens": 2.5}   | 'max_tokens' must be an integer
            /v1/chat/completions | {"messages": [{"role": "user", "content": "hi"}], "top_p": 0}         | 'top_p' must be a number in (0.0, 1.0]
            /v1/chat/completions | {"messages": [{"role": "user", "content": "hi"}], "stream": "yes"}    | 'stream' must be true or false
            /v1/chat/completions | {"messages": [{"role": "user", "content": "hi"}], "stop": [1]}       | 'stop' must contain only strings
            /v1/chat/completions | {"messages": [{"role": "user", "content": "hi"}], "presence_penalty": 0.5} | 'presence_penalty' is not supported
            /v1/chat/completions | {"messages": [{"role": "user", "content": "hi"}], "n": 2}            | 'n' must be an integer in [1, 1]
            /v1/chat/completions | {"messages": [{"role": "user", "content": "hi"}], "tool_choice": "required", "tools": []} | 'tool_choice' must be
            /completion          | {"n_predict": 3}                                         | 'prompt' is required
            /completion          | {"prompt": "hi", "n_probs": 1000}                        | 'n_probs' must be an integer in [0, 100]
            /completion          | {"prompt": [1, 99999]}                                   | token ids in [0, 466)
            /completion          | {"prompt": ["a", "b"]}                                   | send one prompt per request
            /completion          | {"prompt": ""}                                           | the prompt is empty
            /detokenize          | {"tokens": [-1]}                                         | token ids in [0, 466)
            /tokenize            | {"content": 7}                                           | 'content' must be a string
            """)
    void badRequestsGet400WithAnErrorBody(String path, String body, String message) {
        ApiClient.Reply r = api.post(path, body);
        assertEquals(400, r.status(), r.body());
        JsonNode e = r.error();
        assertEquals("invalid_request_error", e.get("type").asText());
        assertEquals(400, e.get("code").asInt());
        assertTrue(e.get("message").asText().contains(message), e.get("message").asText());
        assertEquals("ok", api.get("/health").json().get("status").asText(), "the server keeps serving");
    }

    @Test
    void aPromptBeyondTheSlotContextIsRefused() {
        ApiClient.Reply r = api.post("/completion", "{\"prompt\": \"" + "x".repeat(300) + "\"}");
        assertEquals(400, r.status());
        assertEquals("exceed_context_size_error", r.error().get("type").asText());
        assertTrue(r.error().get("message").asText().contains("300 tokens"), r.body());
    }

    @Test
    void tooLargeBodiesAre413() {
        ApiClient.Reply r = api.post("/tokenize", "{\"content\": \"" + "x".repeat(70_000) + "\"}");
        assertEquals(413, r.status());
        r.error();
    }

    @Test
    void unknownPathsAndMethods() {
        assertEquals(404, api.get("/v2/everything").status());
        assertEquals("not_found_error", api.get("/v2/everything").error().get("type").asText());
        ApiClient.Reply r = api.get("/v1/chat/completions");
        assertEquals(405, r.status());
        r.error();
    }

    @Test
    void withAnApiKeyEverythingButHealthAndModelsNeedsIt() {
        String chat = "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"max_tokens\": 1}";
        ApiClient.Reply missing = anonymous.post("/v1/chat/completions", chat);
        assertEquals(401, missing.status());
        assertEquals("authentication_error", missing.error().get("type").asText());
        HttpRequest wrong = anonymous.request("/v1/chat/completions").header("Authorization", "Bearer sk-wrong")
                .POST(HttpRequest.BodyPublishers.ofString(chat)).build();
        assertEquals(401, anonymous.send(wrong).status());
        assertEquals(401, anonymous.get("/props").status());
        assertEquals(200, api.post("/v1/chat/completions", chat).status());
        HttpRequest xApiKey = anonymous.request("/tokenize").header("X-Api-Key", KEY)
                .POST(HttpRequest.BodyPublishers.ofString("{\"content\": \"a\"}")).build();
        assertEquals(200, anonymous.send(xApiKey).status());
        assertEquals(200, anonymous.get("/health").status());
        assertEquals(200, anonymous.get("/v1/models").status());
    }

    @Test
    void corsPreflightIsAnsweredWithoutTheKey() {
        HttpRequest pre = anonymous.request("/v1/chat/completions").header("Origin", "http://localhost:3000")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build();
        ApiClient.Reply r = anonymous.send(pre);
        assertEquals(204, r.status());
    }
}
