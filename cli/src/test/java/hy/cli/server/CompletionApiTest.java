package hy.cli.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import hy.runtime.engine.LoadedModel;
import hy.runtime.engine.Session;
import hy.runtime.tensor.GgmlType;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** llama-server's /completion (n_probs, streaming, token prompts, slot reuse) and OpenAI's /v1/completions. */
class CompletionApiTest {
    static HyServer server;
    static ApiClient api;

    @BeforeAll
    static void start() throws Exception {
        ServerConfig cfg = ServerConfig.defaults(2, 1024, "tiny").withPort(0).withHeartbeat(Duration.ofSeconds(30));
        server = HyServer.start(TestModels.embedded(), cfg, new PrintWriter(new StringWriter()));
        api = new ApiClient(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static ObjectNode completion(String prompt, int nPredict) {
        ObjectNode r = ApiClient.JSON.createObjectNode();
        r.put("prompt", prompt);
        r.put("n_predict", nPredict);
        r.put("temperature", 0);
        r.put("repeat_penalty", 1.0);
        r.put("ignore_eos", true);
        return r;
    }

    @Test
    void nProbsAreTheSoftmaxOfTheRawLogitsForEveryGeneratedToken() {
        ObjectNode req = completion("The quick brown fox", 4);
        req.put("n_probs", 5);
        JsonNode r = api.ok("/completion", req);
        JsonNode probs = r.get("completion_probabilities");
        assertEquals(4, probs.size());

        // The same computation done directly on the model.
        LoadedModel m = TestModels.embedded();
        int[] prompt = m.tokenizer().encode("The quick brown fox", true);
        try (Session s = m.newSession(64, GgmlType.F16, GgmlType.F16)) { // the server's cache types
            s.prefill(prompt);
            float[] logits = s.logits();
            for (JsonNode entry : probs) {
                double[] p = softmax(logits);
                JsonNode cands = entry.get("probs");
                assertEquals(5, cands.size());
                for (int k = 0; k < 5; k++) {
                    int id = cands.get(k).get("id").asInt();
                    assertEquals(p[id], cands.get(k).get("prob").asDouble(), 1e-6, "candidate " + k);
                    assertEquals(m.tokenizer().vocabulary().tokenText(id), cands.get(k).get("tok_str").asText());
                    if (k > 0) assertTrue(cands.get(k).get("prob").asDouble() <= cands.get(k - 1).get("prob").asDouble());
                }
                // Greedy without penalties: the generated token is the most likely one.
                int chosen = entry.get("id").asInt();
                assertEquals(argmax(p), chosen);
                assertEquals(cands.get(0).get("id").asInt(), chosen);
                assertEquals(m.tokenizer().vocabulary().tokenText(chosen), entry.get("content").asText());
                logits = s.append(chosen);
            }
        }
        assertTrue(r.get("stopped_limit").asBoolean());
        assertEquals(4, r.get("tokens_predicted").asInt());
        assertEquals("The quick brown fox", r.get("prompt").asText());
    }

    private static double[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (float l : logits) max = Math.max(max, l);
        double[] p = new double[logits.length];
        for (int i = 0; i < p.length; i++) sum += p[i] = Math.exp(logits[i] - max);
        for (int i = 0; i < p.length; i++) p[i] /= sum;
        return p;
    }

    private static int argmax(double[] p) {
        int best = 0;
        for (int i = 1; i < p.length; i++) if (p[i] > p[best]) best = i;
        return best;
    }

    @Test
    void streamedCompletionCarriesContentAndStopAndEndsWithTheSummary() {
        ObjectNode req = completion("Once upon a time", 16);
        String whole = api.ok("/completion", req).get("content").asText();
        req.put("stream", true);
        req.put("n_probs", 2);
        List<String> events = api.stream("/completion", req);
        assertNotEquals("[DONE]", events.getLast(), "llama-server's own endpoint has no [DONE]");
        StringBuilder content = new StringBuilder();
        int withProbs = 0;
        for (int i = 0; i < events.size(); i++) {
            JsonNode e = ApiClient.parse(events.get(i));
            content.append(e.get("content").asText());
            assertEquals(i == events.size() - 1, e.get("stop").asBoolean());
            if (e.has("completion_probabilities")) withProbs++;
        }
        assertEquals(whole, content.toString());
        assertEquals(16, withProbs, "one event with probabilities per generated token");
        JsonNode last = ApiClient.parse(events.getLast());
        assertEquals(16, last.get("timings").get("predicted_n").asInt());
        assertTrue(last.get("stopped_limit").asBoolean());
    }

    @Test
    void promptsMayBeTokenIdsOrMixed() {
        int[] ids = TestModels.embedded().tokenizer().encode("Hello world", true);
        ObjectNode text = completion("Hello world", 6);
        ObjectNode tokens = completion("", 6);
        tokens.remove("prompt");
        for (int id : ids) tokens.withArray("prompt").add(id);
        ObjectNode mixed = completion("", 6);
        mixed.remove("prompt");
        mixed.withArray("prompt").add("Hello");
        for (int id : TestModels.embedded().tokenizer().encode(" world", true)) mixed.withArray("prompt").add(id);
        String expected = api.ok("/completion", text).get("content").asText();
        assertEquals(expected, api.ok("/completion", tokens).get("content").asText());
        assertEquals(expected, api.ok("/completion", mixed).get("content").asText());
    }

    @Test
    void stopWordIsReported() {
        String full = api.ok("/completion", completion("abc", 24)).get("content").asText();
        String stop = ApiClient.printablePair(full);
        ObjectNode req = completion("abc", 24);
        req.putArray("stop").add(stop);
        JsonNode r = api.ok("/completion", req);
        assertEquals(full.substring(0, full.indexOf(stop)), r.get("content").asText());
        assertTrue(r.get("stopped_word").asBoolean());
        assertEquals(stop, r.get("stopping_word").asText());
    }

    @Test
    void requestsGoToTheSlotThatHoldsTheirPrefix() {
        JsonNode a = api.ok("/completion", completion("Alpha alpha alpha alpha", 4));
        JsonNode b = api.ok("/completion", completion("Beta beta beta beta", 4));
        assertNotEquals(a.get("id_slot").asInt(), b.get("id_slot").asInt(), "an unrelated prompt takes the other idle slot");
        JsonNode a2 = api.ok("/completion", completion("Alpha alpha alpha alpha and more", 4));
        assertEquals(a.get("id_slot").asInt(), a2.get("id_slot").asInt());
        int promptA = TestModels.embedded().tokenizer().encode("Alpha alpha alpha alpha", true).length;
        assertTrue(a2.get("tokens_cached").asInt() >= promptA);
        assertEquals(a2.get("tokens_evaluated").asInt() - a2.get("tokens_cached").asInt(), a2.get("timings").get("prompt_n").asInt());
    }

    @Test
    void openAiTextCompletionsStreamAndEndWithDone() {
        ObjectNode req = completion("Roses are red", 10);
        req.remove("n_predict");
        req.put("max_tokens", 10);
        JsonNode whole = api.ok("/v1/completions", req);
        assertEquals("text_completion", whole.get("object").asText());
        assertTrue(whole.get("id").asText().startsWith("cmpl-"));
        assertEquals("length", whole.get("choices").get(0).get("finish_reason").asText());
        assertEquals(10, whole.get("usage").get("completion_tokens").asInt());
        req.put("stream", true);
        List<String> events = api.stream("/v1/completions", req);
        assertEquals("[DONE]", events.getLast());
        StringBuilder text = new StringBuilder();
        for (String e : events.subList(0, events.size() - 1)) {
            JsonNode chunk = ApiClient.parse(e);
            assertEquals("text_completion", chunk.get("object").asText());
            text.append(chunk.get("choices").get(0).get("text").asText());
        }
        assertEquals(whole.get("choices").get(0).get("text").asText(), text.toString());
        assertFalse(ApiClient.parse(events.get(events.size() - 2)).get("choices").get(0).get("finish_reason").isNull());
    }

    @Test
    void nPredictZeroOnlyEvaluatesThePrompt() {
        JsonNode r = api.ok("/completion", completion("Cache me", 0));
        assertEquals("", r.get("content").asText());
        assertEquals(0, r.get("tokens_predicted").asInt());
    }
}
