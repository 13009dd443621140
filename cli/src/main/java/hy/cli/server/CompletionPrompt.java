package hy.cli.server;

import com.fasterxml.jackson.databind.JsonNode;
import hy.runtime.tokenizer.Tokenizer;
import java.util.stream.IntStream;

/**
 * The "prompt" of the completion endpoints as llama-server reads it: a string (special-token texts are parsed as
 * special tokens; BOS first only where the model asks for it, which Hunyuan does not), an array of token ids, or a
 * mixed array of strings and ids that are concatenated. Several prompts in one request are not supported.
 */
final class CompletionPrompt {
    private CompletionPrompt() {}

    static int[] read(JsonNode body, ServerContext ctx) {
        JsonNode p = body.get("prompt");
        if (p == null || p.isNull()) throw ApiException.badRequest("'prompt' is required");
        if (p.isTextual()) {
            Tokenizer tok = ctx.tokenizer();
            return tok.encode(p.asText(), true, tok.specials().addBos());
        }
        if (!p.isArray()) throw ApiException.badRequest("'prompt' must be a string or an array of tokens, got " + p);
        boolean anyId = false;
        for (JsonNode item : p) anyId |= item.isNumber();
        if (!anyId && p.size() > 1) {
            throw ApiException.badRequest("'prompt' holds " + p.size() + " strings; send one prompt per request");
        }
        IntStream.Builder ids = IntStream.builder();
        for (JsonNode item : p) {
            if (item.isTextual()) {
                for (int id : ctx.tokenizer().encode(item.asText(), true)) ids.add(id);
            } else if (item.isIntegralNumber() && item.asLong() >= 0 && item.asLong() < ctx.vocabSize()) {
                ids.add(item.asInt());
            } else {
                throw ApiException.badRequest("'prompt' may hold strings and token ids in [0, " + ctx.vocabSize() + "), got " + item);
            }
        }
        return ids.build().toArray();
    }
}
