package hy.offload.exec;

import hy.runtime.backend.MoeWeights;
import hy.runtime.backend.Weight;
import hy.runtime.backend.WeightStaging;
import hy.runtime.tensor.Tensor;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Big batches run the CPU-resident routed experts on the GPU: a batch of T tokens touches nearly every expert, and
 * copying a layer's experts over the bus once is cheaper than the CPU computing T × top-k expert rows. Two staging
 * slots alternate: while the GPU computes layer i from one, layer i+1 (the next layer whose experts are on the CPU)
 * is copied into the other, so after the first layer the copies hide behind computation. The last layer does not
 * prefetch the first: the host takes part in each copy (through pinned bounce buffers), so a prefetch past the end
 * of a prompt would delay its logits for a copy that decoding never uses; the next big batch copies its first layer
 * on demand instead (and with two streamed layers, both simply stay in their slots).
 */
final class ExpertStreamer {
    private static final int SLOTS = 2;

    private final WeightStaging device;
    private final int minBatch;
    /** The streamed layers in the order the model visits them, and each one's place in it (by its gate_exps). */
    private List<MoeWeights> layers = List.of();
    private final Map<Weight, Integer> index = new IdentityHashMap<>();
    /** What each slot holds: a place in {@link #layers}, or −1; and its staged weights. */
    private final int[] holds = {-1, -1};
    private final WeightStaging.Staged[] staged = new WeightStaging.Staged[SLOTS];
    private long layersStaged;

    /**
     * @param device   the GPU backend's staging
     * @param minBatch batches of at least this many tokens stream
     */
    ExpertStreamer(WeightStaging device, int minBatch) {
        if (minBatch < 1) throw new IllegalArgumentException("streaming threshold " + minBatch);
        this.device = device;
        this.minBatch = minBatch;
    }

    /** The layers whose routed experts stay on the CPU, in visiting order. */
    void setLayers(List<MoeWeights> cpuResident) {
        layers = List.copyOf(cpuResident);
        index.clear();
        for (int i = 0; i < layers.size(); i++) index.put(layers.get(i).gateExps(), i);
        holds[0] = holds[1] = -1;
    }

    /** Whether this batch of a layer with CPU-resident experts runs them on the GPU. */
    boolean streams(int tokens, MoeWeights w) {
        return tokens >= minBatch && index.containsKey(w.gateExps());
    }

    /**
     * Layer {@code w}'s routed experts as GPU weights {gate, up, down}, staged (or already prefetched) into a slot;
     * GPU work queued from now on sees them. Pair each call with {@link #release}, then {@link #prefetchAfter}.
     */
    List<Weight> acquire(MoeWeights w) {
        int i = index.get(w.gateExps());
        int slot = slotHolding(i);
        if (slot < 0) slot = stage(i, otherThan(slotHolding(previous(i))));
        staged[slot].awaitOnDevice();
        return staged[slot].weights();
    }

    /** The GPU work using layer {@code w}'s slot is queued: the slot may be overwritten after it. */
    void release(MoeWeights w) {
        int slot = slotHolding(index.get(w.gateExps()));
        if (slot >= 0) staged[slot].release();
    }

    /** Queues the copy of the layer after {@code w} (not past the last) into the other slot, unless it is there. */
    void prefetchAfter(MoeWeights w) {
        int i = index.get(w.gateExps());
        int slot = slotHolding(i);
        int next = i + 1;
        if (next < layers.size() && slotHolding(next) < 0) stage(next, slot < 0 ? 0 : 1 - slot);
    }

    /** Whether all of a layer's expert tensors can be computed on the device. */
    boolean canStage(MoeWeights w) {
        return device.canStage(w.gateExps().tensor()) && device.canStage(w.upExps().tensor()) && device.canStage(w.downExps().tensor());
    }

    /** How many layer copies were queued (prefetches included). */
    long layersStaged() {
        return layersStaged;
    }

    private int stage(int layer, int slot) {
        MoeWeights m = layers.get(layer);
        List<Tensor> t = List.of(m.gateExps().tensor(), m.upExps().tensor(), m.downExps().tensor());
        holds[slot] = -1; // in case the copy fails half way
        staged[slot] = device.stage(slot, t);
        holds[slot] = layer;
        layersStaged++;
        return slot;
    }

    private int slotHolding(int layer) {
        for (int s = 0; s < SLOTS; s++) if (holds[s] == layer) return s;
        return -1;
    }

    private int previous(int layer) {
        return (layer + layers.size() - 1) % layers.size();
    }

    /** The slot to overwrite: not the one {@code keep} names (−1: either). */
    private static int otherThan(int keep) {
        return keep == 0 ? 1 : 0;
    }
}
