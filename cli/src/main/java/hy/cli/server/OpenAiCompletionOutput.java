package hy.cli.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import hy.cli.server.engine.GenerationEvent;
import java.io.IOException;

/**
 * Output of OpenAI's (legacy) text completion endpoint: one {@code text_completion} object, or a stream of them with
 * the new text in choices[0].text, ending with {@code data: [DONE]}.
 */
final class OpenAiCompletionOutput implements GenerationRun.Sink {
    private final GenerationResponse out;
    private final String model;
    private final String id = Ids.next("cmpl-");
    private final long created = System.currentTimeMillis() / 1000;
    private final StringBuilder text = new StringBuilder();

    OpenAiCompletionOutput(GenerationResponse out, String model) {
        this.out = out;
        this.model = model;
    }

    @Override
    public boolean accept(GenerationEvent event) throws IOException {
        switch (event) {
            case GenerationEvent.Started s -> {
                return false;
            }
            case GenerationEvent.Token t -> {
                text.append(t.text());
                if (out.streaming() && !t.text().isEmpty()) out.event(object(t.text(), null));
                return false;
            }
            case GenerationEvent.Finished f -> {
                text.append(f.text());
                ObjectNode last = object(out.streaming() ? f.text() : text.toString(), f.reason().openAi());
                last.set("usage", Usage.usage(f.stats()));
                last.set("timings", Usage.timings(f.stats()));
                if (out.streaming()) {
                    out.event(last);
                    out.done();
                } else {
                    out.json(last);
                }
                return true;
            }
            case GenerationEvent.Failed e -> {
                out.fail(new ApiException(500, "server_error", "generation failed: " + e.error().getMessage()));
                return true;
            }
        }
    }

    private ObjectNode object(String piece, String finishReason) {
        ObjectNode root = ApiExchange.JSON.createObjectNode();
        root.put("id", id);
        root.put("object", "text_completion");
        root.put("created", created);
        root.put("model", model);
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("text", piece);
        choice.put("index", 0);
        choice.putNull("logprobs");
        if (finishReason == null) choice.putNull("finish_reason");
        else choice.put("finish_reason", finishReason);
        return root;
    }
}
