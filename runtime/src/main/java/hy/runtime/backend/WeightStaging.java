package hy.runtime.backend;

import hy.runtime.tensor.Tensor;
import java.util.List;

/**
 * A device backend that can compute with weights kept in host memory by copying them, when needed, into reusable
 * device buffers ("staging slots"). The hybrid executor streams the CPU-resident routed experts of each layer through
 * two slots on big batches: while the device computes with one layer in one slot, the next layer's bytes are copied
 * into the other.
 *
 * <p>Ordering is the device queue's: a copy into a slot starts only after the work that was queued before the slot's
 * last {@link Staged#release()} has run, and device work waits for a copy only where {@link Staged#awaitOnDevice()}
 * was issued, so a copy can run alongside unrelated computation.
 */
public interface WeightStaging {

    /** Whether this device can compute with {@code t} as stored (its kernels know the type and shape). */
    boolean canStage(Tensor t);

    /**
     * Queues copying {@code tensors} (host memory, e.g. the mapped file) into slot {@code slot}, growing the slot when
     * they need more room, and returns their device weights. Whatever the slot held before is gone.
     */
    Staged stage(int slot, List<Tensor> tensors);

    /** Tensors copied into a slot, usable as weights of this backend by ops issued after {@link #awaitOnDevice()}. */
    interface Staged {
        /** The weights, in the order of the staged tensors. */
        List<Weight> weights();

        /** Device work queued from now on waits until the copy has finished (the host does not wait). */
        void awaitOnDevice();

        /** Marks the work queued so far as the last to read this slot: the next copy into it may start after it. */
        void release();
    }
}
