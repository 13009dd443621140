package hy.runtime.convert;

import hy.runtime.gguf.GgufWriter;
import hy.runtime.quant.QuantCodec;
import hy.runtime.quant.QuantCodecs;
import hy.runtime.tensor.GgmlType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Encodes {@link RowSource}s into ggml types straight into the mapped output, on a fixed pool of threads. Each
 * tensor is cut into chunks of whole rows (about a megabyte of floats); workers take chunks in turn, each with one
 * row buffer of its own, so memory use is independent of the model size. Output bytes are the same whatever the
 * thread count: every row is encoded on its own.
 */
public final class ParallelEncoder implements AutoCloseable {
    /** Floats per chunk: large enough to amortise scheduling, small enough to balance and report progress often. */
    private static final long CHUNK_ELEMENTS = 1 << 18;

    private final int threads;
    private final ExecutorService pool;
    private final AtomicLong done = new AtomicLong();
    private final long total;
    private final ProgressListener listener;

    /**
     * @param threads worker threads (1 runs everything on the caller)
     * @param totalBytes the bytes all tensors will produce, passed on to {@code listener}
     */
    public ParallelEncoder(int threads, long totalBytes, ProgressListener listener) {
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        this.threads = threads;
        this.total = totalBytes;
        this.listener = listener;
        this.pool = threads == 1 ? null : Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "hy-encode");
            t.setDaemon(true);
            return t;
        });
    }

    /** Bytes produced so far. */
    public long doneBytes() {
        return done.get();
    }

    /** A source that encodes {@code rows} as {@code type}; the codec must be able to quantize. */
    public GgufWriter.TensorSource encode(String name, RowSource rows, GgmlType type) {
        QuantCodec codec = QuantCodecs.of(type, name);
        if (!codec.canQuantize()) throw new IllegalArgumentException("cannot write tensor " + name + " as " + type + ": no quantizer for " + type);
        int length = rows.rowLength();
        long rowBytes = type.rowBytes(length);
        long rowsPerChunk = Math.max(1, CHUNK_ELEMENTS / length);
        return dst -> {
            if (dst.byteSize() != rowBytes * rows.rowCount()) throw new IllegalStateException("tensor " + name + ": output size mismatch");
            runChunks(rows.rowCount(), rowsPerChunk, () -> new float[length], (buf, first, count) -> {
                for (long r = first; r < first + count; r++) {
                    rows.readRow(r, buf, 0);
                    codec.quantize(buf, 0, dst, r * rowBytes, length);
                }
                return count * rowBytes;
            });
        };
    }

    /** A source that copies bytes unchanged (a tensor kept in its type), counted in the progress like the rest. */
    public GgufWriter.TensorSource copy(MemorySegment src) {
        long block = 1 << 20;
        return dst -> runChunks((src.byteSize() + block - 1) / block, 1, () -> null, (unused, first, count) -> {
            long at = first * block;
            long n = Math.min(block * count, src.byteSize() - at);
            MemorySegment.copy(src, at, dst, at, n);
            return n;
        });
    }

    @FunctionalInterface
    private interface ChunkWork<B> {
        /** Encodes rows {@code firstRow ..+ rowCount}; returns the bytes written. */
        long run(B buffer, long firstRow, long rowCount) throws IOException;
    }

    private <B> void runChunks(long rows, long rowsPerChunk, Supplier<B> buffer, ChunkWork<B> work)
            throws IOException {
        long chunks = (rows + rowsPerChunk - 1) / rowsPerChunk;
        AtomicLong next = new AtomicLong();
        AtomicBoolean failed = new AtomicBoolean();
        Runnable worker = () -> {
            B buf = buffer.get();
            for (long c; !failed.get() && (c = next.getAndIncrement()) < chunks; ) {
                long first = c * rowsPerChunk;
                long count = Math.min(rowsPerChunk, rows - first);
                long bytes;
                try {
                    bytes = work.run(buf, first, count);
                } catch (IOException e) {
                    failed.set(true);
                    throw new UncheckedIOException(e);
                } catch (RuntimeException | Error e) {
                    failed.set(true);
                    throw e;
                }
                listener.progress(done.addAndGet(bytes), total);
            }
        };
        int n = (int) Math.min(threads, chunks);
        if (n <= 1 || pool == null) {
            try {
                worker.run();
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            return;
        }
        List<Future<?>> futures = new ArrayList<>(n);
        for (int i = 0; i < n; i++) futures.add(pool.submit(worker));
        Throwable first = null;
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (first == null) first = e.getCause();
            } catch (InterruptedException e) {
                failed.set(true);
                Thread.currentThread().interrupt();
                if (first == null) first = e;
            }
        }
        if (first == null) return;
        if (first instanceof UncheckedIOException u) throw u.getCause();
        if (first instanceof RuntimeException r) throw r;
        if (first instanceof Error err) throw err;
        throw new IOException("encoding interrupted", first);
    }

    @Override
    public void close() {
        if (pool != null) pool.shutdownNow();
    }
}
