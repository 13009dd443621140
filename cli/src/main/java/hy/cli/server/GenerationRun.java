package hy.cli.server;

import hy.cli.server.engine.GenerationEvent;
import hy.cli.server.engine.GenerationJob;
import hy.cli.server.engine.GenerationRequest;
import hy.cli.server.engine.GenerationEngine;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Carries one request's events from the engine thread to its HTTP thread. The engine only appends to a queue (it
 * must never wait on a slow client); the HTTP thread writes them out, and whenever nothing has been written for a
 * heartbeat interval (the request waits in the queue, a long prompt is evaluated, or a non-streaming answer is being
 * collected) it probes the connection. A failed write means the client has gone: the job is cancelled, which frees its
 * slot (or its place in the queue) at the engine's next turn.
 */
final class GenerationRun {
    /** Turns events into output; returns true after the last one (Finished or Failed). */
    @FunctionalInterface
    interface Sink {
        boolean accept(GenerationEvent event) throws IOException;
    }

    private final GenerationEngine engine;
    private final BlockingQueue<GenerationEvent> events = new LinkedBlockingQueue<>();
    private final GenerationJob job;

    private GenerationRun(GenerationEngine engine, GenerationRequest request) {
        this.engine = engine;
        this.job = engine.submit(request, events::add);
    }

    /** Queues the request; 503 when too many are waiting. */
    static GenerationRun submit(GenerationEngine engine, GenerationRequest request) {
        try {
            return new GenerationRun(engine, request);
        } catch (IllegalStateException e) { // queue full or shutting down
            throw new ApiException(503, "unavailable_error", e.getMessage());
        }
    }

    /** Opens the response (e.g. sends the SSE status line) once the request is queued. */
    @FunctionalInterface
    interface Opener {
        GenerationResponse open() throws IOException;
    }

    /**
     * Opens the response and delivers events to the sink that {@code sinkFor} makes for it, until the last event;
     * cancels the job if that does not happen (the client went away, or writing failed).
     */
    void pump(Opener opener, Duration heartbeat, Function<GenerationResponse, Sink> sinkFor) throws IOException {
        boolean finished = false;
        try {
            GenerationResponse out = opener.open();
            Sink sink = sinkFor.apply(out);
            long interval = heartbeat.toNanos();
            while (!finished) {
                long wait = out.lastWriteNanos() + interval - System.nanoTime();
                GenerationEvent e = wait > 0 ? events.poll(wait, TimeUnit.NANOSECONDS) : null;
                // Write everything that has arrived, then flush once.
                while (e != null && !finished) {
                    finished = sink.accept(e);
                    e = finished ? null : events.poll();
                }
                out.flush();
                // Quiet for a heartbeat interval (no output yet, or output that is all held back): probe the client.
                if (!finished && System.nanoTime() - out.lastWriteNanos() >= interval) out.heartbeat();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the model", e);
        } finally {
            if (!finished) engine.cancel(job);
        }
    }
}
