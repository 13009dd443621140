package hy.cli.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Loopback load on 4 slots with clients that hang up at random: no well-formed request fails, the server survives,
 * every slot is idle afterwards and the heap is back where it was. Prints throughput and latency percentiles.
 */
class LoadTest {

    @Test
    void smallLoad() throws Exception {
        load(16, 4);
    }

    @Test
    @Tag("slow")
    void fullLoad() throws Exception {
        load(64, 20);
    }

    private static void load(int clients, int requestsPerClient) throws Exception {
        StringWriter log = new StringWriter();
        ServerConfig cfg = ServerConfig.defaults(4, 1024, "tiny").withPort(0);
        try (HyServer server = HyServer.start(TestModels.embedded(), cfg, new PrintWriter(log))) {
            new LoadRun(server).run(4, 2, 0, 1); // warm-up: classes loaded, JIT started
            long heapBefore = usedHeapAfterGc();
            LoadRun.Result r = new LoadRun(server).run(clients, requestsPerClient, 0.1, 42);
            System.out.println(r.summary(cfg.slots()));
            assertTrue(r.failures().isEmpty(), r.failures().size() + " failed, e.g. " + r.failures().stream().limit(3).toList());
            assertEquals(r.requests(), r.completed() + r.abandoned());
            SlotLifecycleTest.awaitTrue(() -> server.engine().waitingCount() == 0
                    && server.engine().slotStates().stream().noneMatch(s -> s.processing()), 10_000, "all slots idle");
            assertEquals("ok", new ApiClient(server).get("/health").json().get("status").asText());
            long heapAfter = usedHeapAfterGc();
            System.out.printf("load: heap after GC %d MiB before, %d MiB after%n", heapBefore >> 20, heapAfter >> 20);
            assertTrue(heapAfter - heapBefore < 32L << 20, "heap grew from " + (heapBefore >> 20) + " to " + (heapAfter >> 20) + " MiB");
            assertEquals("", log.toString(), "no internal errors logged");
        }
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
            used = Math.min(used, mem.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
