package hy.runtime.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A fixed set of platform threads for the CPU kernels, with one cheap fork-join: {@link #parallelFor}. The calling
 * thread works too, so a pool of {@code threads} has {@code threads - 1} workers (like llama.cpp's {@code -t}).
 *
 * <p>Tasks are handed out one at a time from an atomic counter, so uneven tasks balance themselves; give each call many
 * more tasks than threads (e.g. all (expert, row block) pairs of a layer in ONE call, not one call per expert), each
 * big enough (tens of microseconds) that the counter is not contended.
 *
 * <p>Idle workers spin briefly (a new fork often follows within microseconds, e.g. the next matrix of the same layer)
 * and then park, so an idle pool costs no CPU.
 *
 * <p>Rules: calls from different threads are serialised (one job at a time). A call made from inside a task of the
 * same pool runs all its tasks inline on the current thread, with the current worker index, instead of deadlocking.
 * If tasks throw, the remaining unstarted tasks are skipped and the first exception is rethrown to the caller, with
 * the others attached as suppressed; the pool stays usable.
 */
public final class CpuPool implements AutoCloseable {
    /** How long an idle worker (or the waiting caller) spins before parking. */
    private static final long SPIN_NANOS = Long.getLong("hy.cpu.spinMicros", 50) * 1000;

    private final int threads;
    private final Worker[] workers;
    private final ReentrantLock submitLock = new ReentrantLock();
    /** The job being run, or null between jobs (so a finished body is not kept alive); workers compare it with the
     *  last job they ran. */
    private volatile Job current;
    private volatile boolean closed;
    /** Which worker index the current thread has while it runs a task of this pool; -1 when it is not in a task. */
    private final ThreadLocal<int[]> insideTask = ThreadLocal.withInitial(() -> new int[] {-1});

    /** A pool with {@code threads} threads in all, the caller included; {@code threads >= 1}. */
    public CpuPool(int threads) {
        if (threads < 1) throw new IllegalArgumentException("thread count must be at least 1, got " + threads);
        this.threads = threads;
        this.workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(i + 1);
            workers[i].thread.start();
        }
    }

    /** A pool with one thread per available processor. */
    public static CpuPool withAvailableProcessors() {
        return new CpuPool(Runtime.getRuntime().availableProcessors());
    }

    /** Threads that run tasks, the caller included. */
    public int threads() {
        return threads;
    }

    /**
     * Runs {@code body.run(task, worker)} once for every task in {@code [0, tasks)} on the pool's threads and the
     * calling thread, and returns when all have finished.
     */
    public void parallelFor(int tasks, TaskBody body) {
        if (tasks < 0) throw new IllegalArgumentException("negative task count " + tasks);
        if (closed) throw new IllegalStateException("the CPU pool is closed");
        int[] inside = insideTask.get();
        if (inside[0] >= 0 || threads == 1 || tasks == 1) {
            runInline(tasks, body, Math.max(inside[0], 0), inside);
            return;
        }
        if (tasks == 0) return;
        submitLock.lock();
        try {
            Job job = new Job(tasks, body, Thread.currentThread());
            current = job;
            for (Worker w : workers) {
                if (w.parked) LockSupport.unpark(w.thread);
            }
            inside[0] = 0;
            try {
                job.work(0);
            } finally {
                inside[0] = -1;
            }
            job.awaitDone();
            current = null;
            job.rethrow();
        } finally {
            submitLock.unlock();
        }
    }

    private static void runInline(int tasks, TaskBody body, int worker, int[] inside) {
        int saved = inside[0];
        inside[0] = worker;
        try {
            for (int t = 0; t < tasks; t++) body.run(t, worker);
        } finally {
            inside[0] = saved;
        }
    }

    /** Stops the workers (they finish the task they are running). */
    @Override
    public void close() {
        closed = true;
        for (Worker w : workers) LockSupport.unpark(w.thread);
    }

    /** One parallelFor call: a task counter, a completion counter and the first failure. */
    private final class Job {
        final int tasks;
        final TaskBody body;
        final Thread caller;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        volatile boolean callerParked;

        Job(int tasks, TaskBody body, Thread caller) {
            this.tasks = tasks;
            this.body = body;
            this.caller = caller;
        }

        void work(int worker) {
            int t;
            while ((t = next.getAndIncrement()) < tasks) {
                try {
                    if (failure.get() == null) body.run(t, worker);
                } catch (Throwable e) {
                    if (!failure.compareAndSet(null, e)) failure.get().addSuppressed(e);
                }
                if (done.incrementAndGet() == tasks && callerParked) LockSupport.unpark(caller);
            }
        }

        void awaitDone() {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while (done.get() < tasks) {
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                } else {
                    callerParked = true;
                    if (done.get() < tasks) LockSupport.park(this);
                    callerParked = false;
                }
            }
        }

        void rethrow() {
            Throwable e = failure.get();
            if (e instanceof RuntimeException re) throw re;
            if (e instanceof Error err) throw err;
            if (e != null) throw new IllegalStateException(e);
        }
    }

    private final class Worker implements Runnable {
        final int index;
        final Thread thread;
        volatile boolean parked;

        Worker(int index) {
            this.index = index;
            this.thread = Thread.ofPlatform().daemon().name("hy-cpu-" + index).unstarted(this);
        }

        @Override
        public void run() {
            insideTask.get()[0] = index;
            Job last = null;
            while (!closed) {
                Job job = current;
                if (job == null || job == last) {
                    job = awaitNewJob(last);
                    if (job == null) return;
                }
                last = job;
                job.work(index);
            }
        }

        /** Spins for a short while, then parks until {@link #current} changes; null once the pool is closed. */
        private Job awaitNewJob(Job last) {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while (!closed) {
                Job job = current;
                if (job != null && job != last) return job;
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                } else {
                    // Publish "parked" before the final check, so a submitter either sees it and unparks us or
                    // published its job before our check (both fields are volatile: no lost wake-up).
                    parked = true;
                    Job now = current;
                    if ((now == null || now == last) && !closed) LockSupport.park(this);
                    parked = false;
                }
            }
            return null;
        }
    }
}
