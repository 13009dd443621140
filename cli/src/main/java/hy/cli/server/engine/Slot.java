package hy.cli.server.engine;

import hy.runtime.engine.Session;
import hy.runtime.model.LogitsMode;
import hy.runtime.sampling.Sampler;
import hy.runtime.tokenizer.StreamingDecoder;
import hy.runtime.tokenizer.Tokenizer;
import java.util.Arrays;
import java.util.List;

/**
 * One sequence the server can run: a {@link Session} (its own KV cache) and the request it is working on. The
 * engine thread advances it one model evaluation at a time ({@link #step}): a micro-batch of the prompt, then one
 * token per step. After a request the session keeps its tokens, so a later request that extends them (the next turn
 * of the same chat) only evaluates what is new.
 *
 * <p>Only the engine thread calls the methods; {@link #state()} may be called from any thread.
 */
final class Slot implements AutoCloseable {
    private enum Phase { IDLE, PREFILL, GENERATE }

    private final int id;
    private final Session session;
    private final Tokenizer tokenizer;
    private final int vocab;

    private Phase phase = Phase.IDLE;
    private GenerationJob job;
    private int[] prompt;
    private int prefilled;
    private int cached;
    private int generated;
    private Sampler sampler;
    private StreamingDecoder decoder;
    private StopStrings stops;
    private long startNanos;
    private long promptDoneNanos;
    private long lastUsedNanos;

    // Read by other threads for /slots and /health.
    private volatile long runningJobId = -1;
    private volatile int cachedLength;

    Slot(int id, Session session, Tokenizer tokenizer) {
        this.id = id;
        this.session = session;
        this.tokenizer = tokenizer;
        this.vocab = session.model().config().vocabSize();
    }

    int id() {
        return id;
    }

    boolean idle() {
        return phase == Phase.IDLE;
    }

    GenerationJob job() {
        return job;
    }

    long lastUsedNanos() {
        return lastUsedNanos;
    }

    /** How many leading prompt tokens this slot's cache already holds. */
    int commonPrefix(int[] tokens) {
        return session.commonPrefix(tokens);
    }

    SlotState state() {
        long running = runningJobId;
        return new SlotState(id, session.contextLength(), running >= 0, running, cachedLength);
    }

    /** Takes on a job: keeps the cached prefix (at least the last prompt token is evaluated again for its logits). */
    void start(GenerationJob j, long now) {
        GenerationRequest r = j.request();
        job = j;
        prompt = r.prompt();
        cached = Math.min(session.commonPrefix(prompt), prompt.length - 1);
        session.truncate(cached);
        prefilled = cached;
        generated = 0;
        sampler = new Sampler(r.sampling());
        for (int t : prompt) sampler.accept(t);
        decoder = tokenizer == null ? null : tokenizer.streamingDecoder(false);
        stops = new StopStrings(r.stop());
        startNanos = now;
        phase = Phase.PREFILL;
        runningJobId = j.id();
        cachedLength = session.length();
        j.listener().onEvent(new GenerationEvent.Started(id, cached));
    }

    /** One model evaluation for the current job. */
    void step() {
        try {
            if (phase == Phase.PREFILL) prefillChunk();
            else if (phase == Phase.GENERATE) generateOne();
        } catch (RuntimeException | OutOfMemoryError e) {
            // One request failing (even for memory: its buffers are gone now) must not stop the engine for the others.
            // The cache may hold part of a failed batch; start clean rather than trust it.
            session.truncate(0);
            GenerationListener l = job.listener();
            release();
            l.onEvent(new GenerationEvent.Failed(e));
        }
    }

    /** Drops the job without a word (its client has gone); what was evaluated stays cached. */
    void cancel() {
        release();
    }

    private void prefillChunk() {
        int n = Math.min(session.model().maxBatch(), prompt.length - prefilled);
        boolean last = prefilled + n == prompt.length;
        session.evaluate(Arrays.copyOfRange(prompt, prefilled, prefilled + n), last ? LogitsMode.LAST : LogitsMode.NONE);
        prefilled += n;
        cachedLength = session.length();
        if (last) {
            phase = Phase.GENERATE;
            promptDoneNanos = System.nanoTime();
            if (job.request().maxTokens() == 0) finish(FinishReason.TOKEN_LIMIT);
        }
    }

    /** Samples a token from the current logits, reports it, and evaluates it unless the generation ends here. */
    private void generateOne() {
        GenerationRequest r = job.request();
        float[] logits = session.logits();
        List<TokenProbability> probs = r.nProbs() > 0 ? TopProbabilities.of(logits, vocab, r.nProbs()) : List.of();
        int next = sampler.sample(logits, 0, vocab);
        sampler.accept(next);
        generated++;
        if (!r.ignoreEos() && tokenizer != null && tokenizer.specials().isStop(next)) {
            finish(FinishReason.END_OF_GENERATION);
            return;
        }
        String text = stops.accept(decoder == null ? "" : decoder.accept(next));
        job.listener().onEvent(new GenerationEvent.Token(next, text, probs));
        if (stops.matched() != null) {
            finish(FinishReason.STOP_STRING);
        } else if (r.maxTokens() >= 0 && generated >= r.maxTokens()) {
            finish(FinishReason.TOKEN_LIMIT);
        } else if (session.length() >= session.contextLength()) {
            finish(FinishReason.CONTEXT_FULL);
        } else {
            session.append(next);
            cachedLength = session.length();
        }
    }

    private void finish(FinishReason reason) {
        String tail = "";
        if (stops.matched() == null) {
            tail = stops.accept(decoder == null ? "" : decoder.flush());
            tail += stops.matched() == null ? stops.flush() : "";
        }
        long now = System.nanoTime();
        GenerationStats stats = new GenerationStats(id, prompt.length, cached, generated, promptDoneNanos - startNanos,
                now - promptDoneNanos);
        GenerationListener l = job.listener();
        String word = stops.matched();
        release();
        l.onEvent(new GenerationEvent.Finished(word != null ? FinishReason.STOP_STRING : reason, word, tail, stats));
    }

    private void release() {
        phase = Phase.IDLE;
        job = null;
        prompt = null;
        sampler = null;
        decoder = null;
        stops = null;
        lastUsedNanos = System.nanoTime();
        runningJobId = -1;
        cachedLength = session.length();
    }

    @Override
    public void close() {
        session.close();
    }
}
