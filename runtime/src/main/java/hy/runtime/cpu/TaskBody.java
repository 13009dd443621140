package hy.runtime.cpu;

/**
 * One unit of work of a {@link CpuPool#parallelFor} call. {@code worker} is the index, in {@code [0, threads)}, of the
 * thread running it (0 is the calling thread), so a body can use per-thread scratch space without locking.
 */
@FunctionalInterface
public interface TaskBody {
    void run(int task, int worker);
}
