package hy.cli.server;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;

/**
 * Dispatches requests by exact path and method, answers CORS preflights (browser front ends such as mikupad call the
 * server from another origin, as with llama-server), checks the API key, and turns failures into OpenAI-style error
 * bodies. Whatever a handler throws, the exchange is closed and the server goes on.
 */
final class Router implements HttpHandler {
    /** One endpoint. */
    @FunctionalInterface
    interface Endpoint {
        void handle(ApiExchange ex) throws IOException;
    }

    private record Route(String method, Endpoint endpoint, boolean open) {}

    private final Map<String, Map<String, Route>> routes = new HashMap<>();
    private final byte[] apiKey;
    private final int maxBodyBytes;
    private final PrintWriter log;

    Router(String apiKey, int maxBodyBytes, PrintWriter log) {
        this.apiKey = apiKey == null ? null : apiKey.getBytes(StandardCharsets.UTF_8);
        this.maxBodyBytes = maxBodyBytes;
        this.log = log;
    }

    /** Adds a route that needs the API key (when one is set). */
    Router add(String method, String path, Endpoint e) {
        return add(method, path, e, false);
    }

    /** Adds a route that is open without the API key (health and model list, as in llama-server). */
    Router addOpen(String method, String path, Endpoint e) {
        return add(method, path, e, true);
    }

    private Router add(String method, String path, Endpoint e, boolean open) {
        routes.computeIfAbsent(path, p -> new HashMap<>()).put(method, new Route(method, e, open));
        return this;
    }

    @Override
    public void handle(HttpExchange raw) {
        ApiExchange ex = new ApiExchange(raw, maxBodyBytes);
        try {
            cors(raw);
            if (raw.getRequestMethod().equals("OPTIONS")) {
                raw.sendResponseHeaders(204, -1);
                return;
            }
            route(ex).endpoint().handle(ex);
        } catch (ApiException e) {
            if (!ex.committed()) trySendError(ex, e);
        } catch (IOException e) {
            // The client went away or the connection broke; nothing more can be sent.
        } catch (RuntimeException e) {
            log.println("hy: error: " + raw.getRequestMethod() + " " + raw.getRequestURI().getPath() + ": " + e);
            log.flush();
            if (!ex.committed()) trySendError(ex, new ApiException(500, "server_error", "internal error: " + e.getMessage()));
        } finally {
            ex.close();
        }
    }

    private Route route(ApiExchange ex) {
        Map<String, Route> byMethod = routes.get(ex.uri().getPath());
        if (byMethod == null) throw new ApiException(404, "not_found_error", "no endpoint " + ex.uri().getPath());
        Route r = byMethod.get(ex.method());
        if (r == null) {
            throw new ApiException(405, "invalid_request_error", ex.uri().getPath() + " takes " + String.join(" or ", byMethod.keySet())
                    + ", not " + ex.method());
        }
        if (!r.open() && !authorized(ex)) {
            throw new ApiException(401, "authentication_error", "invalid or missing API key; send Authorization: Bearer KEY");
        }
        return r;
    }

    private boolean authorized(ApiExchange ex) {
        if (apiKey == null) return true;
        String given = ex.header("X-Api-Key");
        String auth = ex.header("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) given = auth.substring(7).strip();
        // Constant-time comparison: the key must not leak through response timing.
        return given != null && MessageDigest.isEqual(apiKey, given.getBytes(StandardCharsets.UTF_8));
    }

    private static void cors(HttpExchange raw) {
        Headers h = raw.getResponseHeaders();
        String origin = raw.getRequestHeaders().getFirst("Origin");
        h.set("Access-Control-Allow-Origin", origin == null ? "*" : origin);
        h.set("Access-Control-Allow-Credentials", "true");
        h.set("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
        h.set("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Api-Key");
    }

    private void trySendError(ApiExchange ex, ApiException e) {
        try {
            ex.sendError(e);
        } catch (IOException ignored) {
            // the client is gone
        }
    }
}
