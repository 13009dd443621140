package hy.runtime.convert;

/** Hears how many output bytes a long write has produced; called from worker threads, so it must be thread-safe. */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = (done, total) -> {};

    void progress(long doneBytes, long totalBytes);
}
