package hy.cli.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import hy.runtime.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * llama-server's /tokenize, /detokenize and /apply-template. Tokenizing parses special-token texts as special tokens;
 * detokenizing renders them as their text, so the two round-trip.
 */
final class TokenEndpoints {
    private final ServerContext ctx;

    TokenEndpoints(ServerContext ctx) {
        this.ctx = ctx;
    }

    /** {content, add_special = false, with_pieces = false} → {tokens: [id, ...]} or [{id, piece}, ...]. */
    void tokenize(ApiExchange ex) throws IOException {
        ObjectNode body = ex.jsonBody();
        String content = JsonFields.requiredString(body, "content");
        boolean addSpecial = JsonFields.bool(body, "add_special", false);
        boolean withPieces = JsonFields.bool(body, "with_pieces", false);
        Tokenizer tok = ctx.tokenizer();
        int[] ids = tok.encode(content, true, addSpecial && tok.specials().addBos());
        ObjectNode answer = ApiExchange.JSON.createObjectNode();
        ArrayNode tokens = answer.putArray("tokens");
        for (int id : ids) {
            if (!withPieces) {
                tokens.add(id);
                continue;
            }
            ObjectNode t = tokens.addObject();
            t.put("id", id);
            byte[] bytes = tok.vocabulary().tokenBytes(id);
            String text = utf8OrNull(bytes);
            if (text != null) {
                t.put("piece", text);
            } else {
                // Part of a multi-byte character: llama-server sends the raw bytes.
                ArrayNode raw = t.putArray("piece");
                for (byte b : bytes) raw.add(b & 0xFF);
            }
        }
        ex.sendJson(200, answer);
    }

    /** {tokens: [id, ...]} → {content}. */
    void detokenize(ApiExchange ex) throws IOException {
        ObjectNode body = ex.jsonBody();
        JsonNode tokens = JsonFields.array(body, "tokens");
        if (tokens == null) throw ApiException.badRequest("'tokens' is required");
        int[] ids = JsonFields.tokenIds(tokens, "tokens", ctx.vocabSize());
        ObjectNode answer = ApiExchange.JSON.createObjectNode();
        answer.put("content", ctx.tokenizer().decode(ids, true));
        ex.sendJson(200, answer);
    }

    /** {messages, tools, enable_thinking, ...} → {prompt}: the chat as the chat endpoint renders it. */
    void applyTemplate(ApiExchange ex) throws IOException {
        ChatRequest chat = ChatRequest.read(ex.jsonBody());
        ObjectNode answer = ApiExchange.JSON.createObjectNode();
        answer.put("prompt", chat.render());
        ex.sendJson(200, answer);
    }

    private static String utf8OrNull(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
