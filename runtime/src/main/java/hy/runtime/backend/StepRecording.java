package hy.runtime.backend;

/**
 * An optional capability of a {@link Backend}: recording the ops of one step (a single-token decode) once and
 * replaying them with new token ids and a new position. The CUDA backend records a CUDA graph, so a decode step
 * costs one launch instead of hundreds. A backend whose ops can cross to the host mid-step (the hybrid executor)
 * does not offer it.
 */
public interface StepRecording {

    /**
     * Records the ops {@code step} issues for a batch of {@code tokens} tokens, without running them. The token ids and
     * the position passed to those ops become the inputs that {@link RecordedStep#launch} replaces. Run the same step
     * directly once before, so that whatever the ops create on first use (scratch memory, tables) exists; the step
     * must not read results back.
     */
    RecordedStep record(int tokens, Runnable step);

    /**
     * Whether recorded steps are used unless a program says otherwise: yes, except with the environment variable
     * {@code HY_CUDA_GRAPHS=0} or {@code -Dhy.cuda.graphs=false} (a fallback while checking a suspected graph issue).
     */
    static boolean enabledByDefault() {
        return enabled(System.getenv("HY_CUDA_GRAPHS"), System.getProperty("hy.cuda.graphs"));
    }

    /** {@link #enabledByDefault} for the given switch values (null when unset). */
    static boolean enabled(String environment, String property) {
        return !"0".equals(environment == null ? null : environment.trim())
                && !"false".equalsIgnoreCase(property == null ? null : property.trim());
    }
}
