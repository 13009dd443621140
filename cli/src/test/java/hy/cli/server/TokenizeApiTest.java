package hy.cli.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** /tokenize and /detokenize round-trip text with special tokens and multi-byte characters. */
class TokenizeApiTest {
    static HyServer server;
    static ApiClient api;

    @BeforeAll
    static void start() throws Exception {
        server = HyServer.start(TestModels.embedded(), ServerConfig.defaults(1, 256, "tiny").withPort(0), new PrintWriter(new StringWriter()));
        api = new ApiClient(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void tokenizeThenDetokenizeGivesTheTextBack() {
        String text = "<|startoftext|>Grüße, 世界! 🙂<|extra_0|>";
        JsonNode tokens = api.ok("/tokenize", ApiClient.JSON.createObjectNode().put("content", text)).get("tokens");
        int[] expected = TestModels.embedded().tokenizer().encode(text, true);
        assertEquals(expected.length, tokens.size());
        for (int i = 0; i < expected.length; i++) assertEquals(expected[i], tokens.get(i).asInt());
        // Special-token texts become single special ids.
        assertEquals(TestModels.embedded().tokenizer().vocabulary().specialId("<|startoftext|>"), tokens.get(0).asInt());
        ObjectNode back = ApiClient.JSON.createObjectNode();
        back.set("tokens", tokens);
        assertEquals(text, api.ok("/detokenize", back).get("content").asText());
    }

    @Test
    void piecesOfPartialCharactersAreSentAsBytes() {
        ObjectNode req = ApiClient.JSON.createObjectNode().put("content", "aé").put("with_pieces", true);
        JsonNode tokens = api.ok("/tokenize", req).get("tokens");
        // A byte-level vocabulary: "é" is two tokens, neither of which is UTF-8 on its own.
        assertEquals(3, tokens.size());
        assertEquals("a", tokens.get(0).get("piece").asText());
        assertTrue(tokens.get(1).get("piece").isArray());
        assertEquals(0xC3, tokens.get(1).get("piece").get(0).asInt());
        assertEquals(0xA9, tokens.get(2).get("piece").get(0).asInt());
    }

    @Test
    void addSpecialAddsNoBosForHunyuan() {
        ObjectNode req = ApiClient.JSON.createObjectNode().put("content", "hi").put("add_special", true);
        assertEquals(2, api.ok("/tokenize", req).get("tokens").size());
    }
}
