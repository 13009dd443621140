package hy.runtime.backend;

/** A step recorded by {@link StepRecording#record}, replayed per token. */
public interface RecordedStep extends AutoCloseable {

    /** Queues the recorded ops again for {@code ids} at positions startPos, startPos+1, … (asynchronous, like every op). */
    void launch(int[] ids, int startPos);

    /**
     * False once the recording no longer matches the backend (the CUDA backend's scratch memory moved because a larger
     * batch ran): record the step again instead of launching this one.
     */
    boolean current();

    @Override
    void close();
}
