package hy.cuda.backend;

import hy.cuda.DeviceAllocator;
import hy.cuda.DeviceBuffer;
import hy.cuda.Gpu;
import hy.cuda.MemoryCategory;
import hy.cuda.PinnedBuffer;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * The small per-step inputs kernels read from device memory (token ids, the first position), staged in pinned memory
 * and copied asynchronously in stream order. A ring: each value gets fresh bytes, so a later host write never races a
 * copy still queued; the ring waits for the stream only when it wraps.
 *
 * <p>A recording instance (graph capture) never wraps and remembers each slot, so that a replay can write the next
 * step's tokens and position into the very bytes the captured copies read.
 */
final class StepUploads implements AutoCloseable {
    /** TOKENS and POSITION slots are rewritten before a replay; DATA (a host-decided routing, say) is not. */
    enum Kind { TOKENS, POSITION, DATA }

    record Slot(Kind kind, long offset, int count) {}

    private static final long ALIGN = 16;
    private final Gpu gpu;
    private final PinnedBuffer host;
    private final DeviceBuffer device;
    private final List<Slot> recorded;
    private long next;

    StepUploads(long bytes, Gpu gpu, DeviceAllocator allocator, boolean record) {
        this.gpu = gpu;
        this.host = allocator.allocateHost(bytes, true);
        this.device = allocator.allocate(bytes, MemoryCategory.SCRATCH, "step inputs");
        this.recorded = record ? new ArrayList<>() : null;
    }

    /** Device address of the token ids, copied in stream order. */
    long tokens(int[] ids) {
        long at = reserve(Kind.TOKENS, ids.length);
        for (int i = 0; i < ids.length; i++) host.segment().set(ValueLayout.JAVA_INT, at + 4L * i, ids[i]);
        return copy(at, 4L * ids.length);
    }

    /** Device address of a copy of {@code values}. */
    long ints(int[] values) {
        long at = reserve(Kind.DATA, values.length);
        MemorySegment.copy(values, 0, host.segment(), ValueLayout.JAVA_INT, at, values.length);
        return copy(at, 4L * values.length);
    }

    /** Device address of a copy of {@code values}. */
    long floats(float[] values) {
        long at = reserve(Kind.DATA, values.length);
        MemorySegment.copy(values, 0, host.segment(), ValueLayout.JAVA_FLOAT, at, values.length);
        return copy(at, 4L * values.length);
    }

    /** Device address of one int holding {@code position}. */
    long position(int position) {
        long at = reserve(Kind.POSITION, 1);
        host.segment().set(ValueLayout.JAVA_INT, at, position);
        return copy(at, 4);
    }

    private long reserve(Kind kind, int count) {
        long bytes = (4L * count + ALIGN - 1) / ALIGN * ALIGN;
        if (bytes > host.bytes()) throw new IllegalArgumentException(count + " step inputs exceed the staging ring");
        if (next + bytes > host.bytes()) {
            if (recorded != null) throw new IllegalStateException("a captured step uploads more than " + host.bytes() + " bytes of step inputs");
            gpu.synchronize(); // every queued copy out of the ring has run
            next = 0;
        }
        long at = next;
        next += bytes;
        if (recorded != null) recorded.add(new Slot(kind, at, count));
        return at;
    }

    private long copy(long at, long bytes) {
        long dst = device.address(at, bytes);
        gpu.copyToDevice(dst, host.segment().asSlice(at, bytes), bytes);
        return dst;
    }

    /** For a recorded ring: writes new values into every recorded slot (before a replay). */
    void rewrite(int[] tokens, int position) {
        for (Slot s : recorded) {
            if (s.kind == Kind.DATA) continue;
            if (s.kind == Kind.POSITION) {
                host.segment().set(ValueLayout.JAVA_INT, s.offset, position);
            } else {
                if (s.count != tokens.length) {
                    throw new IllegalArgumentException("the graph was captured for " + s.count + " tokens, replayed with " + tokens.length);
                }
                for (int i = 0; i < tokens.length; i++) host.segment().set(ValueLayout.JAVA_INT, s.offset + 4L * i, tokens[i]);
            }
        }
    }

    List<Slot> recorded() {
        return recorded == null ? List.of() : List.copyOf(recorded);
    }

    @Override
    public void close() {
        host.close();
        device.close();
    }
}
