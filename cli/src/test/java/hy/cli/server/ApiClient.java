package hy.cli.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A test client over java.net.http: JSON requests, and SSE streams checked for OpenAI-exact framing. */
final class ApiClient {
    static final ObjectMapper JSON = new ObjectMapper();

    final URI base;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String apiKey;

    ApiClient(HyServer server) {
        this(server, null);
    }

    ApiClient(HyServer server, String apiKey) {
        this.base = URI.create("http://127.0.0.1:" + server.address().getPort());
        this.apiKey = apiKey;
    }

    /** A response: status, body text and the body as JSON (null when it is not JSON). */
    record Reply(int status, String body, JsonNode json) {
        /** The OpenAI error object's fields, checked to be present. */
        JsonNode error() {
            JsonNode e = json.get("error");
            assertTrue(e != null && e.get("message").isTextual() && e.get("type").isTextual() && e.has("code"), body);
            return e;
        }
    }

    HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60));
        if (apiKey != null) b.header("Authorization", "Bearer " + apiKey);
        return b;
    }

    Reply post(String path, String json) {
        return send(request(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    Reply post(String path, JsonNode json) {
        return post(path, json.toString());
    }

    Reply get(String path) {
        return send(request(path).GET().build());
    }

    Reply send(HttpRequest r) {
        try {
            HttpResponse<String> resp = http.send(r, HttpResponse.BodyHandlers.ofString());
            JsonNode node;
            try {
                node = JSON.readTree(resp.body());
            } catch (IOException e) {
                node = null;
            }
            return new Reply(resp.statusCode(), resp.body(), node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A POST answered with 200 and a JSON body. */
    JsonNode ok(String path, JsonNode json) {
        Reply r = post(path, json);
        assertEquals(200, r.status(), r.body());
        return r.json();
    }

    /**
     * Streams a request and returns the data payloads, after checking the framing exactly as OpenAI clients parse it:
     * text/event-stream, every event one line {@code data: PAYLOAD} followed by a blank line, nothing else.
     */
    List<String> stream(String path, JsonNode json) {
        HttpRequest r = request(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json.toString())).build();
        try {
            HttpResponse<String> resp = http.send(r, HttpResponse.BodyHandlers.ofString());
            assertEquals(200, resp.statusCode(), resp.body());
            assertTrue(resp.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
            return events(resp.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static List<String> events(String body) {
        assertTrue(body.endsWith("\n\n"), "a stream ends with a blank line");
        List<String> out = new ArrayList<>();
        for (String event : body.substring(0, body.length() - 2).split("\n\n", -1)) {
            assertTrue(event.startsWith("data: ") && !event.contains("\n"), "one data line per event: " + event);
            out.add(event.substring("data: ".length()));
        }
        return out;
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Two printable ASCII characters in a row, not at the start of {@code s} (a stop string for greedy output). */
    static String printablePair(String s) {
        for (int i = 1; i + 2 <= s.length(); i++) {
            if (s.charAt(i) > ' ' && s.charAt(i) < 0x7f && s.charAt(i + 1) > ' ' && s.charAt(i + 1) < 0x7f) return s.substring(i, i + 2);
        }
        throw new AssertionError("no two printable characters in a row in " + s);
    }
}
