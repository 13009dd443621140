package hy.cli.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import hy.cli.server.engine.GenerationEngine;
import hy.cli.server.engine.SlotState;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One slot: requests beyond it queue, and a client that hangs up frees the slot (or its queue place) at once. */
class SlotLifecycleTest {
    static final int N_PREDICT = 25_000;
    static HyServer server;
    static ApiClient api;
    static GenerationEngine engine;

    @BeforeAll
    static void start() throws Exception {
        ServerConfig cfg = ServerConfig.defaults(1, 30_000, "tiny").withPort(0).withHeartbeat(Duration.ofMillis(50));
        server = HyServer.start(TestModels.embedded(), cfg, new PrintWriter(new StringWriter()));
        api = new ApiClient(server);
        engine = server.engine();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void slotIsIdleAgain() {
        awaitTrue(() -> !slot().processing() && engine.waitingCount() == 0, 5000, "the slot is idle after the test");
    }

    /** A request that would run for a long time: thousands of tokens. */
    static String longRequest(boolean stream) {
        return "{\"prompt\": \"Go\", \"n_predict\": " + N_PREDICT + ", \"ignore_eos\": true, \"stream\": " + stream + "}";
    }

    static SlotState slot() {
        return engine.slotStates().getFirst();
    }

    @Test
    void aStreamingClientThatHangsUpFreesItsSlot() throws Exception {
        try (RawConnection a = RawConnection.post(server, "/completion", longRequest(true))) {
            a.readUntil("data: ", 10_000);
            assertTrue(slot().processing());
            a.close();
            long t0 = System.nanoTime();
            awaitTrue(() -> !slot().processing(), 2000, "slot freed");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 1000, "freed after " + ms + " ms");
        }
        assertTrue(slot().cachedTokens() < N_PREDICT, "generation stopped early: " + slot().cachedTokens() + " tokens cached");
    }

    @Test
    void aNonStreamingClientThatHangsUpFreesItsSlot() throws Exception {
        try (RawConnection a = RawConnection.post(server, "/v1/chat/completions",
                "{\"messages\": [{\"role\": \"user\", \"content\": \"Go\"}], \"max_tokens\": " + N_PREDICT + ", \"ignore_eos\": true}")) {
            awaitTrue(() -> slot().processing() && slot().cachedTokens() > 50, 10_000, "generating");
            a.close();
            long t0 = System.nanoTime();
            awaitTrue(() -> !slot().processing(), 2000, "slot freed");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 1000, "freed after " + ms + " ms");
        }
        assertTrue(slot().cachedTokens() < N_PREDICT);
    }

    @Test
    void requestsBeyondTheSlotsWaitAndRunWhenTheSlotFrees() throws Exception {
        try (RawConnection a = RawConnection.post(server, "/completion", longRequest(true))) {
            a.readUntil("data: ", 10_000);
            HttpRequest b = api.request("/completion").POST(HttpRequest.BodyPublishers.ofString(
                    "{\"prompt\": \"Queued\", \"n_predict\": 5, \"ignore_eos\": true}")).build();
            CompletableFuture<HttpResponse<String>> reply = api.http.sendAsync(b, HttpResponse.BodyHandlers.ofString());
            awaitTrue(() -> engine.waitingCount() == 1, 5000, "the second request waits");
            Thread.sleep(100);
            assertFalse(reply.isDone(), "no answer while the only slot is busy");
            assertEquals(0, api.get("/health").json().get("slots_idle").asInt());
            a.close();
            HttpResponse<String> r = reply.get(10, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode(), r.body());
            JsonNode json = ApiClient.parse(r.body());
            assertEquals(5, json.get("tokens_predicted").asInt());
            assertEquals(0, json.get("id_slot").asInt());
        }
    }

    @Test
    void aQueuedClientThatHangsUpLeavesTheQueue() throws Exception {
        try (RawConnection a = RawConnection.post(server, "/completion", longRequest(true))) {
            a.readUntil("data: ", 10_000);
            long running = slot().jobId();
            try (RawConnection b = RawConnection.post(server, "/v1/chat/completions",
                    "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"stream\": true}")) {
                awaitTrue(() -> engine.waitingCount() == 1, 5000, "queued");
                b.readUntil("HTTP/1.1 200", 5000);
            }
            awaitTrue(() -> engine.waitingCount() == 0, 2000, "the queue is empty again");
            assertEquals(running, slot().jobId(), "the running request is untouched");
        }
    }

    static void awaitTrue(BooleanSupplier condition, long timeoutMillis, String what) {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for: " + what);
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
