package hy.cuda;

/** What device memory is for, so that `hy plan`, logs and out-of-memory messages can say where it went. */
public enum MemoryCategory {
    WEIGHTS("weights"),
    KV_CACHE("KV cache"),
    ACTIVATIONS("activations"),
    SCRATCH("scratch"),
    /** Slots that host-resident experts are copied into for big batches. */
    STAGING("expert staging"),
    /** Page-locked host memory (staging for uploads and read-back), counted apart from the GPU's memory. */
    PINNED_HOST("pinned host");

    public final String label;

    MemoryCategory(String label) {
        this.label = label;
    }
}
