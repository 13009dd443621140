package hy.runtime.cpu;

import static org.junit.jupiter.api.Assertions.*;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class CpuPoolTest {
    @Test
    void everyTaskRunsExactlyOnceAcrossManyForks() {
        try (CpuPool pool = new CpuPool(4)) {
            for (int round = 0; round < 2000; round++) {
                int tasks = 1 + round % 37;
                AtomicIntegerArray runs = new AtomicIntegerArray(tasks);
                AtomicInteger badWorker = new AtomicInteger();
                pool.parallelFor(tasks, (t, worker) -> {
                    runs.incrementAndGet(t);
                    if (worker < 0 || worker >= 4) badWorker.incrementAndGet();
                });
                for (int t = 0; t < tasks; t++) assertEquals(1, runs.get(t), "round " + round + " task " + t);
                assertEquals(0, badWorker.get());
            }
        }
    }

    @Test
    void workIsSharedAmongThreadsAndWorkerIndexesAreExclusive() throws Exception {
        try (CpuPool pool = new CpuPool(3)) {
            AtomicIntegerArray busy = new AtomicIntegerArray(3);
            AtomicIntegerArray used = new AtomicIntegerArray(3);
            AtomicInteger overlaps = new AtomicInteger();
            pool.parallelFor(60, (t, worker) -> {
                if (busy.incrementAndGet(worker) != 1) overlaps.incrementAndGet();
                used.incrementAndGet(worker);
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                busy.decrementAndGet(worker);
            });
            assertEquals(0, overlaps.get(), "two threads ran with the same worker index at once");
            int threadsUsed = 0;
            for (int i = 0; i < 3; i++) if (used.get(i) > 0) threadsUsed++;
            assertTrue(threadsUsed >= 2, "60 sleeping tasks should spread over more than one thread");
        }
    }

    @Test
    void firstExceptionReachesTheCallerAndThePoolStaysUsable() {
        try (CpuPool pool = new CpuPool(3)) {
            var e = assertThrows(IllegalArgumentException.class, () -> pool.parallelFor(100, (t, w) -> {
                if (t % 10 == 3) throw new IllegalArgumentException("task " + t);
            }));
            assertTrue(e.getMessage().startsWith("task "), e.getMessage());
            AtomicInteger count = new AtomicInteger();
            pool.parallelFor(50, (t, w) -> count.incrementAndGet());
            assertEquals(50, count.get());
        }
    }

    @Test
    void nestedCallsRunInlineOnTheCallingWorker() {
        try (CpuPool pool = new CpuPool(2)) {
            AtomicIntegerArray inner = new AtomicIntegerArray(8 * 5);
            AtomicInteger mismatched = new AtomicInteger();
            pool.parallelFor(8, (outer, worker) -> pool.parallelFor(5, (t, innerWorker) -> {
                inner.incrementAndGet(outer * 5 + t);
                if (innerWorker != worker) mismatched.incrementAndGet();
            }));
            for (int i = 0; i < 40; i++) assertEquals(1, inner.get(i));
            assertEquals(0, mismatched.get());
        }
    }

    @Test
    void concurrentCallersAreSerialisedAndBothComplete() throws Exception {
        try (CpuPool pool = new CpuPool(2)) {
            AtomicInteger total = new AtomicInteger();
            CountDownLatch start = new CountDownLatch(1);
            Runnable caller = () -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 200; i++) pool.parallelFor(10, (t, w) -> total.incrementAndGet());
            };
            Thread a = new Thread(caller);
            Thread b = new Thread(caller);
            a.start();
            b.start();
            start.countDown();
            a.join(TimeUnit.SECONDS.toMillis(30));
            b.join(TimeUnit.SECONDS.toMillis(30));
            assertEquals(2 * 200 * 10, total.get());
        }
    }

    @Test
    void edgeCases() {
        try (CpuPool pool = new CpuPool(2)) {
            pool.parallelFor(0, (t, w) -> fail("no task expected"));
            assertThrows(IllegalArgumentException.class, () -> pool.parallelFor(-1, (t, w) -> { }));
        }
        assertThrows(IllegalArgumentException.class, () -> new CpuPool(0));
        CpuPool closed = new CpuPool(2);
        closed.close();
        assertThrows(IllegalStateException.class, () -> closed.parallelFor(3, (t, w) -> { }));
        try (CpuPool single = new CpuPool(1)) {
            AtomicInteger count = new AtomicInteger();
            single.parallelFor(7, (t, w) -> {
                assertEquals(0, w);
                count.incrementAndGet();
            });
            assertEquals(7, count.get());
        }
    }
}
