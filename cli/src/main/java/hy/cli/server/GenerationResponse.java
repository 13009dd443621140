package hy.cli.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The body of a generation answer, streamed (Server-Sent Events) or as one JSON object, with a way to find out that
 * the client has gone while the answer is still being made.
 *
 * <p>An HTTP/1 server learns of a closed connection only by writing to it (the first write after the close draws
 * a reset, the next one fails), so {@link #heartbeat()} writes something harmless whenever a request has been quiet
 * for a heartbeat interval: an SSE comment line, which SSE parsers skip, or, for a plain JSON answer, a space before the JSON
 * (JSON allows leading whitespace). The JSON answer is therefore committed with status 200 once the first heartbeat
 * goes out; requests that finish sooner are answered normally with a Content-Length.
 */
final class GenerationResponse {
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] COMMENT = ": ping\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SPACE = {' '};

    private final ApiExchange exchange;
    private final boolean sse;
    private OutputStream body;
    private long lastWriteNanos = System.nanoTime();
    /** Events written but not yet flushed. */
    private boolean dirty;

    private GenerationResponse(ApiExchange exchange, boolean sse) {
        this.exchange = exchange;
        this.sse = sse;
    }

    /** An event stream; the status line goes out at once. */
    static GenerationResponse sse(ApiExchange exchange) throws IOException {
        GenerationResponse r = new GenerationResponse(exchange, true);
        exchange.raw().getResponseHeaders().set("Cache-Control", "no-cache");
        r.body = exchange.commitStreaming(200, "text/event-stream; charset=utf-8");
        return r;
    }

    /** A single JSON object at the end. */
    static GenerationResponse json(ApiExchange exchange) {
        return new GenerationResponse(exchange, false);
    }

    boolean streaming() {
        return sse;
    }

    /** Writes one SSE event {@code data: JSON} (not flushed). */
    void event(JsonNode data) throws IOException {
        byte[] json = ApiExchange.JSON.writeValueAsBytes(data);
        body.write("data: ".getBytes(StandardCharsets.US_ASCII));
        body.write(json);
        body.write('\n');
        body.write('\n');
        dirty = true;
    }

    /** The OpenAI end-of-stream marker, flushed. */
    void done() throws IOException {
        body.write(DONE);
        body.flush();
    }

    void flush() throws IOException {
        if (body != null && dirty) {
            body.flush();
            dirty = false;
            lastWriteNanos = System.nanoTime();
        }
    }

    /** When bytes last went out to the client (or when the response was created). */
    long lastWriteNanos() {
        return lastWriteNanos;
    }

    /** Writes a byte the client ignores, to learn whether the connection is still open (throws if not). */
    void heartbeat() throws IOException {
        if (body == null) body = exchange.commitStreaming(200, "application/json; charset=utf-8");
        body.write(sse ? COMMENT : SPACE);
        body.flush();
        lastWriteNanos = System.nanoTime();
    }

    /** The whole JSON answer. */
    void json(JsonNode answer) throws IOException {
        if (body == null) {
            exchange.sendJson(200, answer);
        } else {
            body.write(ApiExchange.JSON.writeValueAsBytes(answer));
            body.flush();
        }
    }

    /**
     * Reports a failure that happened after the request was accepted: as an error status when nothing has been
     * sent yet, otherwise as an SSE event or as the JSON body (the status is already 200).
     */
    void fail(ApiException e) throws IOException {
        JsonNode err = ApiExchange.errorBody(e.status(), e.type(), e.getMessage());
        if (sse) {
            event(err);
            body.flush();
        } else if (body == null) {
            exchange.sendError(e);
        } else {
            body.write(ApiExchange.JSON.writeValueAsBytes(err));
            body.flush();
        }
    }
}
