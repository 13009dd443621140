package hy.cuda;

import java.util.EnumMap;
import java.util.Map;
import java.util.StringJoiner;

/** Bytes currently held and the peak, per {@link MemoryCategory}. Thread-safe. */
public final class MemoryAccounting {
    private final EnumMap<MemoryCategory, Long> held = new EnumMap<>(MemoryCategory.class);
    private final EnumMap<MemoryCategory, Long> peak = new EnumMap<>(MemoryCategory.class);

    public synchronized void add(MemoryCategory c, long bytes) {
        long now = held.getOrDefault(c, 0L) + bytes;
        if (now < 0) throw new IllegalStateException("released more " + c.label + " memory than was allocated");
        held.put(c, now);
        peak.merge(c, now, Math::max);
    }

    public synchronized long held(MemoryCategory c) {
        return held.getOrDefault(c, 0L);
    }

    public synchronized long peak(MemoryCategory c) {
        return peak.getOrDefault(c, 0L);
    }

    /** Device bytes held in all categories but pinned host memory. */
    public synchronized long deviceTotal() {
        long sum = 0;
        for (Map.Entry<MemoryCategory, Long> e : held.entrySet()) if (e.getKey() != MemoryCategory.PINNED_HOST) sum += e.getValue();
        return sum;
    }

    /** "weights 40.00 GiB, KV cache 2.00 GiB" for the categories holding memory; "" when none. */
    public synchronized String summary() {
        StringJoiner j = new StringJoiner(", ");
        for (MemoryCategory c : MemoryCategory.values()) {
            long b = held.getOrDefault(c, 0L);
            if (b > 0) j.add(c.label + " " + Bytes.format(b));
        }
        return j.toString();
    }
}
