package hy.cli.server.engine;

import hy.runtime.engine.LoadedModel;
import hy.runtime.tensor.GgmlType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs requests on a fixed set of slots that share one model. The forward pass is serialized (its scratch buffers are
 * shared), so instead of one thread per request a single engine thread takes turns: every turn it first gives waiting
 * requests to idle slots (FIFO; each to the idle slot whose cache shares the longest prefix with its prompt, so the
 * next turn of a conversation finds its history), then advances each busy slot by one evaluation: a micro-batch of
 * prompt (-ub tokens) or one generated token. A long prompt therefore delays the other slots by one micro-batch per
 * turn, not by its whole length. Requests beyond the slots wait in a queue; a cancelled request leaves the queue or
 * its slot at the next turn.
 */
public final class SlotScheduler implements GenerationEngine {
    private final List<Slot> slots = new ArrayList<>();
    private final int maxQueue;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final Deque<GenerationJob> waiting = new ArrayDeque<>();
    private final AtomicLong ids = new AtomicLong();
    private final Thread engine;
    private volatile boolean closed;

    /**
     * @param slotCount     number of parallel sequences
     * @param contextLength context of each slot in tokens (each slot owns a KV cache of this size)
     * @param maxQueue      requests that may wait for a slot; more are refused
     */
    public SlotScheduler(LoadedModel model, int slotCount, int contextLength, GgmlType kType, GgmlType vType, int maxQueue) {
        if (slotCount < 1) throw new IllegalArgumentException("need at least one slot");
        this.maxQueue = maxQueue;
        model.model().reserveStepGraphs(slotCount); // each slot's cache keeps its recorded decode step
        try {
            for (int i = 0; i < slotCount; i++) {
                slots.add(new Slot(i, model.newSession(contextLength, kType, vType), model.tokenizer()));
            }
        } catch (RuntimeException | Error e) {
            slots.forEach(Slot::close);
            throw e;
        }
        engine = Thread.ofPlatform().name("hy-engine").daemon().unstarted(this::runEngine);
        engine.start();
    }

    /** Queues a request; its events go to {@code listener} on the engine thread. */
    @Override
    public GenerationJob submit(GenerationRequest request, GenerationListener listener) {
        lock.lock();
        try {
            if (closed) throw new IllegalStateException("the server is shutting down");
            if (waiting.size() >= maxQueue) throw new QueueFullException(maxQueue);
            GenerationJob job = new GenerationJob(ids.incrementAndGet(), request, listener);
            waiting.add(job);
            work.signal();
            return job;
        } finally {
            lock.unlock();
        }
    }

    /** Gives up a request: it leaves the queue, or its slot is freed before the slot's next step. */
    @Override
    public void cancel(GenerationJob job) {
        job.cancel();
        lock.lock();
        try {
            waiting.remove(job);
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<SlotState> slotStates() {
        return slots.stream().map(Slot::state).toList();
    }

    @Override
    public int waitingCount() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    public int slotCount() {
        return slots.size();
    }

    private void runEngine() {
        List<Slot> busy = new ArrayList<>();
        while (!closed) {
            try {
                if (!assignWaiting(busy)) continue;
                for (Slot s : busy) {
                    if (s.job().cancelled()) s.cancel();
                    else s.step();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Hands waiting jobs to idle slots and collects the busy slots; blocks while there is nothing to do.
     * @return false when woken without work (check closed and come back)
     */
    private boolean assignWaiting(List<Slot> busy) throws InterruptedException {
        lock.lock();
        try {
            while (!waiting.isEmpty()) {
                Slot free = bestIdleSlot(waiting.peek().request().prompt());
                if (free == null) break;
                GenerationJob job = waiting.poll();
                if (job.cancelled()) continue;
                try {
                    free.start(job, System.nanoTime());
                } catch (RuntimeException e) {
                    free.cancel();
                    job.listener().onEvent(new GenerationEvent.Failed(e));
                }
            }
            busy.clear();
            for (Slot s : slots) if (!s.idle()) busy.add(s);
            if (busy.isEmpty()) {
                work.await();
                return false;
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The idle slot with the longest cached prefix of {@code prompt}; among equals the least recently used. */
    private Slot bestIdleSlot(int[] prompt) {
        Slot best = null;
        int bestPrefix = -1;
        for (Slot s : slots) {
            if (!s.idle()) continue;
            int p = s.commonPrefix(prompt);
            if (p > bestPrefix || (p == bestPrefix && s.lastUsedNanos() < best.lastUsedNanos())) {
                best = s;
                bestPrefix = p;
            }
        }
        return best;
    }

    /** Stops the engine after its current step; queued and running requests end with a failure event. */
    @Override
    public void close() {
        List<GenerationJob> dropped = new ArrayList<>();
        lock.lock();
        try {
            if (closed) return;
            closed = true;
            dropped.addAll(waiting);
            waiting.clear();
            work.signal();
        } finally {
            lock.unlock();
        }
        try {
            engine.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Slot s : slots) {
            if (!s.idle()) {
                dropped.add(s.job());
                s.cancel();
            }
            s.close();
        }
        RuntimeException shutdown = new IllegalStateException("the server is shutting down");
        for (GenerationJob j : dropped) j.listener().onEvent(new GenerationEvent.Failed(shutdown));
    }

    /** More requests are waiting than the queue allows. */
    public static final class QueueFullException extends IllegalStateException {
        QueueFullException(int limit) {
            super("too many requests waiting (" + limit + "); try again later");
        }
    }
}
