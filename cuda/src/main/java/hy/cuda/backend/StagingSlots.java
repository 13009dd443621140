package hy.cuda.backend;

import hy.cuda.DeviceAllocator;
import hy.cuda.DeviceBuffer;
import hy.cuda.Gpu;
import hy.cuda.MemoryCategory;
import hy.cuda.PinnedBuffer;
import hy.runtime.backend.Weight;
import hy.runtime.backend.WeightStaging;
import hy.runtime.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

/**
 * Device buffers that host-resident weights are copied into on demand ({@link WeightStaging}): the hybrid executor
 * streams a layer's CPU-resident experts through them on big batches.
 *
 * <p>Copies run on their own queue, so the main queue keeps computing: the host copies each chunk of the mapped file
 * into one of two pinned bounce buffers (on all cores: one thread cannot keep up with the bus), and the copy queue
 * moves it to the slot while the next chunk is being filled. A copy into a slot first waits, on the device, for the
 * slot's last {@link WeightStaging.Staged#release()}; the main queue waits for the copy only at {@link WeightStaging.Staged#awaitOnDevice()}.
 */
final class StagingSlots implements AutoCloseable {
    static final long CHUNK = 32L << 20;
    private static final long PIECE = 4L << 20;
    private static final long ALIGN = 256;

    private final Gpu gpu;
    private final DeviceAllocator allocator;
    private final Gpu.CopyQueue copies;
    private final BooleanSupplier capturing;
    private final PinnedBuffer[] bounce = new PinnedBuffer[2];
    private final Gpu.Marker[] bounceFree = new Gpu.Marker[2];
    private final List<Slot> slots = new ArrayList<>();
    private int turn;
    private long bytesCopied;

    /** One slot: its buffer, what it holds now, and the markers that order copies into it against its readers. */
    private final class Slot implements WeightStaging.Staged {
        DeviceBuffer buffer;
        final Gpu.Marker released = gpu.marker();
        final Gpu.Marker copied = copies.marker();
        final Set<CudaWeight> held = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Weight> weights = List.of();

        @Override
        public List<Weight> weights() {
            return weights;
        }

        @Override
        public void awaitOnDevice() {
            notCapturing("waiting for a staged copy");
            gpu.waitFor(copied);
        }

        @Override
        public void release() {
            notCapturing("releasing a staging slot");
            released.record();
        }
    }

    /** @param capturing whether the main queue is being captured into a graph (staging events cannot join one) */
    StagingSlots(Gpu gpu, DeviceAllocator allocator, BooleanSupplier capturing) {
        this.gpu = gpu;
        this.allocator = allocator;
        this.capturing = capturing;
        this.copies = gpu.copyQueue();
    }

    private void notCapturing(String what) {
        if (capturing.getAsBoolean()) throw new IllegalStateException(what + " during graph capture: staged weights cannot be part of a graph");
    }

    boolean owns(CudaWeight w) {
        for (Slot s : slots) if (s.held.contains(w)) return true;
        return false;
    }

    /** Bytes copied into slots so far (how much streaming the bus carried). */
    long bytesCopied() {
        return bytesCopied;
    }

    WeightStaging.Staged stage(int index, List<Tensor> tensors) {
        if (index < 0 || index > 16) throw new IllegalArgumentException("staging slot " + index);
        long need = 0;
        for (Tensor t : tensors) {
            CudaWeight.storedFormat(t); // fail before copying anything
            need += align(t.byteSize());
        }
        while (slots.size() <= index) slots.add(new Slot());
        Slot s = slots.get(index);
        s.held.clear();
        s.weights = List.of();
        if (s.buffer == null || s.buffer.bytes() < need) {
            if (s.buffer != null) {
                s.copied.await(); // a prefetch nobody waited for may still be writing it
                gpu.synchronize(); // queued kernels may still read it
                s.buffer.close();
                s.buffer = null;
            }
            s.buffer = allocator.allocate(need, MemoryCategory.STAGING, "expert staging slot " + index);
        }
        copies.waitFor(s.released);
        List<Weight> ws = new ArrayList<>(tensors.size());
        long offset = 0;
        for (Tensor t : tensors) {
            copy(t.data().asSlice(0, t.byteSize()), s.buffer.address(offset, t.byteSize()));
            CudaWeight w = CudaWeight.stored(t, s.buffer, offset);
            s.held.add(w);
            ws.add(w);
            offset += align(t.byteSize());
        }
        s.copied.record();
        s.weights = List.copyOf(ws);
        return s;
    }

    private static long align(long bytes) {
        return (bytes + ALIGN - 1) / ALIGN * ALIGN;
    }

    /** Host bytes to device memory through the two bounce buffers, on the copy queue. */
    private void copy(MemorySegment src, long dst) {
        long n = src.byteSize();
        for (long off = 0; off < n; off += CHUNK) {
            long len = Math.min(CHUNK, n - off);
            int i = turn;
            turn ^= 1;
            if (bounce[i] == null) {
                bounce[i] = allocator.allocateHost(CHUNK, true);
                bounceFree[i] = copies.marker();
            }
            bounceFree[i].await(); // the copy queue has finished reading this bounce buffer's previous chunk
            fill(bounce[i].segment(), src.asSlice(off, len));
            copies.copyToDevice(dst + off, bounce[i].segment(), len);
            bounceFree[i].record();
        }
        bytesCopied += n;
    }

    /** Copies {@code src} to the start of {@code dst} in pieces on all cores. */
    private static void fill(MemorySegment dst, MemorySegment src) {
        long n = src.byteSize();
        int pieces = (int) ((n + PIECE - 1) / PIECE);
        IntStream.range(0, pieces).parallel().forEach(p -> {
            long o = p * PIECE, len = Math.min(PIECE, n - o);
            MemorySegment.copy(src, o, dst, o, len);
        });
    }

    @Override
    public void close() {
        copies.close(); // waits for the queue
        for (int i = 0; i < 2; i++) {
            if (bounce[i] != null) {
                bounceFree[i].close();
                bounce[i].close();
            }
        }
        for (Slot s : slots) {
            s.released.close();
            s.copied.close();
            if (s.buffer != null) s.buffer.close();
        }
        slots.clear();
    }
}
