package hy.runtime.model;

import hy.runtime.backend.KvCache;
import hy.runtime.backend.RecordedStep;
import hy.runtime.backend.StepRecording;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The recorded decode step of each KV cache a model decodes into. A recording holds its cache's addresses, so each
 * cache has its own; the first step for a cache runs directly (making whatever the ops create on first use) and is
 * then recorded, later steps replay it. At most {@link #capacity} are kept (by default {@link #CACHES}; the server
 * raises it to its slot count), the least recently used closed first: every recording holds device memory.
 *
 * <p>A recording that fails (a driver that cannot capture some op, say) is not fatal: the step already ran directly,
 * so its result stands; one line says so and later steps run op by op.
 */
final class RecordedSteps implements AutoCloseable {
    static final int CACHES = 8;

    private final StepRecording recorder;
    private int capacity = CACHES;
    private String failure;
    private final Map<KvCache, RecordedStep> byCache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<KvCache, RecordedStep> eldest) {
            if (size() <= capacity) return false;
            eldest.getValue().close();
            return true;
        }
    };

    RecordedSteps(StepRecording recorder) {
        this.recorder = recorder;
    }

    /** Keeps up to {@code caches} recordings (one per sequence decoded in turn), never fewer than {@link #CACHES}. */
    void reserve(int caches) {
        capacity = Math.max(capacity, caches);
    }

    /** Why recording was given up, or null. */
    String failure() {
        return failure;
    }

    /**
     * Runs {@code step} (the ops for {@code ids} at {@code startPos} into {@code cache}): replays the cache's recording
     * when it is still current, else runs the ops directly and records them for the next step.
     * @return whether it was a replay
     */
    boolean run(KvCache cache, int[] ids, int startPos, Runnable step) {
        RecordedStep recorded = byCache.get(cache);
        if (recorded != null && recorded.current()) {
            recorded.launch(ids, startPos);
            return true;
        }
        forget(cache);
        step.run();
        if (failure != null) return false;
        try {
            byCache.put(cache, recorder.record(ids.length, step));
        } catch (RuntimeException e) {
            failure = e.getClass().getSimpleName() + ": " + e.getMessage();
            System.err.println("hy: recording the decode step failed (" + failure + "); decoding op by op from now on"
                    + " (HY_CUDA_GRAPHS=0 skips recording)");
        }
        return false;
    }

    /** Closes the recording of {@code cache}, if any (the cache is going away). */
    void forget(KvCache cache) {
        RecordedStep r = byCache.remove(cache);
        if (r != null) r.close();
    }

    /** Closes every recording (they hold something that changed, such as the expert selection). */
    @Override
    public void close() {
        var all = new ArrayList<>(byCache.values());
        byCache.clear();
        all.forEach(RecordedStep::close);
    }
}
