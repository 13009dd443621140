package hy.cli.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback load test: many clients send a mix of chat (streamed and not), /completion (streamed, with n_probs) and
 * /v1/completions requests; some hang up mid-request. Every request that is not abandoned must succeed completely.
 */
final class LoadRun {
    /** What happened. Latencies are of completed requests, from sending to the last byte. */
    record Result(int clients, int requests, int completed, int abandoned, List<String> failures, double seconds,
            long generatedTokens, long p50Millis, long p99Millis) {

        String summary(int slots) {
            return String.format("load: %d clients x %d requests on %d slots: %d completed, %d abandoned, %d failed in %.1f s;"
                    + " %.1f requests/s, %.0f generated tokens/s; latency p50 %d ms, p99 %d ms",
                    clients, requests / clients, slots, completed, abandoned, failures.size(), seconds, completed / seconds,
                    generatedTokens / seconds, p50Millis, p99Millis);
        }
    }

    private final ApiClient api;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    private final AtomicInteger completed = new AtomicInteger();
    private final AtomicInteger abandoned = new AtomicInteger();
    private final AtomicLong generated = new AtomicLong();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final List<Long> latencies = Collections.synchronizedList(new ArrayList<>());

    LoadRun(HyServer server) {
        this.api = new ApiClient(server);
    }

    Result run(int clients, int requestsPerClient, double abandonRate, long seed) throws InterruptedException {
        long t0 = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < clients; c++) {
                SplittableRandom rnd = new SplittableRandom(seed + c);
                pool.submit(() -> {
                    for (int i = 0; i < requestsPerClient; i++) oneRequest(rnd, rnd.nextDouble() < abandonRate);
                });
            }
            pool.shutdown();
            if (!pool.awaitTermination(30, TimeUnit.MINUTES)) throw new AssertionError("load run did not end");
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        return new Result(clients, clients * requestsPerClient, completed.get(), abandoned.get(), List.copyOf(failures), seconds,
                generated.get(), percentile(sorted, 0.50), percentile(sorted, 0.99));
    }

    private static long percentile(List<Long> sorted, double q) {
        if (sorted.isEmpty()) return 0;
        return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(q * sorted.size()) - 1));
    }

    private void oneRequest(SplittableRandom rnd, boolean abandon) {
        int kind = rnd.nextInt(4);
        boolean stream = kind == 1 || kind == 2;
        String path = kind <= 1 ? "/v1/chat/completions" : kind == 2 ? "/completion" : "/v1/completions";
        ObjectNode body = ApiClient.JSON.createObjectNode();
        String text = "Request " + rnd.nextInt(1000) + " says hello";
        if (kind <= 1) body.putArray("messages").addObject().put("role", "user").put("content", text);
        else body.put("prompt", text);
        body.put(kind == 2 ? "n_predict" : "max_tokens", 1 + rnd.nextInt(24));
        body.put("temperature", rnd.nextDouble());
        body.put("seed", rnd.nextInt(1 << 20));
        body.put("stream", stream);
        if (kind == 2) body.put("n_probs", 3);
        HttpRequest req = api.request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        long t0 = System.nanoTime();
        try {
            if (abandon) {
                abandon(req, stream, rnd);
                return;
            }
            HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
            long tokens = check(kind, stream, resp);
            latencies.add((System.nanoTime() - t0) / 1_000_000);
            generated.addAndGet(tokens);
            completed.incrementAndGet();
        } catch (IOException | RuntimeException | AssertionError e) {
            failures.add(path + " stream=" + stream + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Hangs up: a stream after its first event, a plain request after a random short wait. */
    private void abandon(HttpRequest req, boolean stream, SplittableRandom rnd) throws IOException, InterruptedException {
        abandoned.incrementAndGet();
        if (stream) {
            HttpResponse<InputStream> resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = resp.body()) {
                in.readNBytes(1 + rnd.nextInt(200));
            }
        } else {
            CompletableFuture<HttpResponse<String>> f = http.sendAsync(req, HttpResponse.BodyHandlers.ofString());
            Thread.sleep(rnd.nextInt(30));
            f.cancel(true);
        }
    }

    /** Checks a complete answer; returns the number of generated tokens it reports. */
    private static long check(int kind, boolean stream, HttpResponse<String> resp) {
        if (resp.statusCode() != 200) throw new AssertionError("status " + resp.statusCode() + ": " + resp.body());
        if (!stream) {
            JsonNode r = ApiClient.parse(resp.body());
            if (r.has("error")) throw new AssertionError("error body: " + resp.body());
            JsonNode choice = r.get("choices").get(0);
            if (choice.get("finish_reason").isNull()) throw new AssertionError("no finish_reason: " + resp.body());
            return r.get("usage").get("completion_tokens").asLong();
        }
        List<String> events = ApiClient.events(resp.body().replaceAll("(?m)^: ping\n\n", ""));
        if (kind == 2) {
            JsonNode last = ApiClient.parse(events.getLast());
            if (!last.get("stop").asBoolean()) throw new AssertionError("no final event: " + resp.body());
            return last.get("tokens_predicted").asLong();
        }
        if (!events.getLast().equals("[DONE]")) throw new AssertionError("no [DONE]: " + resp.body());
        JsonNode last = ApiClient.parse(events.get(events.size() - 2));
        if (last.get("choices").get(0).get("finish_reason").isNull()) throw new AssertionError("no finish_reason: " + resp.body());
        return last.get("usage").get("completion_tokens").asLong();
    }
}
