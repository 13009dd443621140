package hy.cli.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;

/**
 * One HTTP request/response with JSON helpers: reads the body (bounded) as JSON, writes JSON answers and error
 * bodies, and remembers whether the status line has gone out (after that, only the body can carry news).
 */
final class ApiExchange {
    /** Strict about trailing garbage after the object: {@code {"a":1} xyz} is malformed, not {@code {"a":1}}. */
    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final HttpExchange exchange;
    private final int maxBodyBytes;
    private boolean committed;

    ApiExchange(HttpExchange exchange, int maxBodyBytes) {
        this.exchange = exchange;
        this.maxBodyBytes = maxBodyBytes;
    }

    HttpExchange raw() {
        return exchange;
    }

    String method() {
        return exchange.getRequestMethod();
    }

    URI uri() {
        return exchange.getRequestURI();
    }

    String header(String name) {
        return exchange.getRequestHeaders().getFirst(name);
    }

    boolean committed() {
        return committed;
    }

    /** The request body as a JSON object; 400 when it is not one, 413 when it is too large. */
    ObjectNode jsonBody() throws IOException {
        byte[] body = readBody();
        if (body.length == 0) throw ApiException.badRequest("the request body is empty; send a JSON object");
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("the request body is not valid JSON: " + e.getOriginalMessage());
        }
        if (!(node instanceof ObjectNode obj)) throw ApiException.badRequest("the request body must be a JSON object");
        return obj;
    }

    private byte[] readBody() throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(maxBodyBytes + 1);
            if (body.length > maxBodyBytes) {
                throw new ApiException(413, "invalid_request_error", "the request body is larger than " + maxBodyBytes + " bytes");
            }
            return body;
        }
    }

    /** Sends a complete JSON answer. */
    void sendJson(int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        commit(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Sends the error body for {@code e}. */
    void sendError(ApiException e) throws IOException {
        sendJson(e.status(), errorBody(e.status(), e.type(), e.getMessage()));
    }

    static ObjectNode errorBody(int status, String type, String message) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode err = root.putObject("error");
        err.put("message", message);
        err.put("type", type);
        err.put("code", status);
        return root;
    }

    /** Sends the status line and headers for a body of exactly {@code length} bytes (0: no body). */
    void commit(int status, long length) throws IOException {
        committed = true;
        // jdk.httpserver: -1 means no body, 0 would mean chunked.
        exchange.sendResponseHeaders(status, length == 0 ? -1 : length);
    }

    /** Starts a body of unknown length (chunked). */
    OutputStream commitStreaming(int status, String contentType) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        committed = true;
        exchange.sendResponseHeaders(status, 0);
        return exchange.getResponseBody();
    }

    void close() {
        exchange.close();
    }
}
