package hy.runtime.cpu.bench;

import hy.runtime.cpu.CpuPool;
import hy.runtime.cpu.CpuWeights;
import hy.runtime.cpu.MatMul;
import hy.runtime.cpu.NativeKernels;
import hy.runtime.cpu.PackedWeights;
import hy.runtime.cpu.WeightMatrix;
import hy.runtime.cpu.QuantizedActivations;
import hy.runtime.tensor.GgmlType;
import hy.runtime.tensor.Tensor;
import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Measures how fast the CPU matrix-vector kernels stream weights, per type, at one thread and at all threads, next to
 * a plain memory-read loop over the same bytes (512-bit loads summed), which is the ceiling a bandwidth-bound decode
 * can reach. Prints a markdown table.
 *
 * <p>Each type gets its own weight set of {@code megabytes} (make it several times the last-level cache so the
 * numbers are DRAM numbers; a few MB gives the kernels' compute speed instead), rows of 4096 weights (the Hunyuan
 * hidden size), split into tasks of 64 rows. Each type gets a row per kernel set: native (where {@link NativeKernels}
 * runs it), Java in place, and Java on a packed copy (where {@link PackedWeights} can repack it).
 * Kernel and read passes alternate and the best of each counts, so that both see the same load from other
 * processes.
 */
public final class KernelBench {
    /** The weight types with CPU kernels, in the order the table lists them. */
    public static final List<GgmlType> TYPES = List.of(GgmlType.Q4_0, GgmlType.Q8_0, GgmlType.Q4_1, GgmlType.Q5_0,
            GgmlType.Q5_1, GgmlType.IQ4_NL, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K, GgmlType.IQ4_XS,
            GgmlType.F16, GgmlType.BF16, GgmlType.F32);
    private static final int ROW_LENGTH = 4096;
    private static final int ROWS_PER_TASK = 64;

    private KernelBench() {}

    /**
     * Runs the benchmark for {@code types}, each with about {@code megabytes} MB of weights, timing each
     * measurement for at least {@code seconds}, at 1 thread and at {@code threads} threads.
     */
    public static void run(PrintWriter out, int threads, int megabytes, List<GgmlType> types, double seconds) {
        out.printf(Locale.ROOT, "CPU: %d available processors, Java %s, preferred vector %d-bit; kernels: %s; vector"
                        + " bounds checks %s%n",
                Runtime.getRuntime().availableProcessors(), Runtime.version(),
                FloatVector.SPECIES_PREFERRED.vectorBitSize(), MatMul.describeKernels(),
                "0".equals(System.getProperty("jdk.incubator.vector.VECTOR_ACCESS_OOB_CHECK")) ? "off" : "on");
        out.printf(Locale.ROOT, "matvec over %d MB of weights per type, rows of %d; GB/s = weight bytes streamed per second%n%n",
                megabytes, ROW_LENGTH);
        out.printf(Locale.ROOT, "| type | 1 thread GB/s | read 1t GB/s | %% of read | %d threads GB/s | read %dt GB/s | %% of read |%n",
                threads, threads);
        out.println("|---|---:|---:|---:|---:|---:|---:|");
        out.flush();
        try (CpuPool one = new CpuPool(1); CpuPool all = new CpuPool(threads)) {
            for (GgmlType type : types) {
                if (NativeKernels.supports(type)) {
                    print(out, type + " native", measure(type, Kind.NATIVE, megabytes, one, all, seconds));
                }
                if (NativeKernels.supports(type, NativeKernels.Layout.R16)) {
                    print(out, type + " native interleaved", measure(type, Kind.NATIVE_INTERLEAVED, megabytes, one, all, seconds));
                }
                print(out, type + " java", measure(type, Kind.JAVA, megabytes, one, all, seconds));
                if (PackedWeights.canPack(type, ROW_LENGTH)) {
                    print(out, type + " java packed", measure(type, Kind.JAVA_PACKED, megabytes, one, all, seconds));
                }
            }
        }
    }

    private static void print(PrintWriter out, String label, Row row) {
        out.printf(Locale.ROOT, "| %s | %.2f | %.2f | %.0f%% | %.2f | %.2f | %.0f%% |%n", label,
                row.kernel1, row.read1, 100 * row.kernel1 / row.read1,
                row.kernelN, row.readN, 100 * row.kernelN / row.readN);
        out.flush();
    }

    private record Row(double kernel1, double read1, double kernelN, double readN) {}

    /** Which kernels a row measures: the native library's in place or interleaved (-rtr), the Java ones in place or packed. */
    private enum Kind { NATIVE, NATIVE_INTERLEAVED, JAVA, JAVA_PACKED }

    private static Row measure(GgmlType type, Kind kind, int megabytes, CpuPool one, CpuPool all, double seconds) {
        long rowBytes = type.rowBytes(ROW_LENGTH);
        int rows = (int) Math.max(ROWS_PER_TASK, (long) megabytes * 1_000_000 / rowBytes / ROWS_PER_TASK * ROWS_PER_TASK);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment filled = arena.allocate(rowBytes * rows, 64);
            RandomBlocks.fill(type, filled, rows, ROW_LENGTH, 42);
            MemorySegment data = Boolean.getBoolean("hy.bench.mapped") ? mapped(filled, arena) : filled;
            Tensor tensor = new Tensor("bench." + type, type, new long[] {ROW_LENGTH, rows}, data);
            WeightMatrix w = switch (kind) {
                case NATIVE -> MatMul.matrix(tensor);
                case NATIVE_INTERLEAVED -> CpuWeights.matrix(tensor, true, arena, one);
                case JAVA -> MatMul.javaMatrix(tensor);
                case JAVA_PACKED -> PackedWeights.pack(tensor, arena);
            };
            QuantizedActivations x = new QuantizedActivations(ROW_LENGTH, 1);
            float[] input = new float[ROW_LENGTH];
            SplittableRandom random = new SplittableRandom(7);
            for (int i = 0; i < input.length; i++) input[i] = (float) random.nextGaussian();
            x.set(input, 0, ROW_LENGTH, 1);
            w.prepare(x);
            float[] y = new float[rows];
            int tasks = rows / ROWS_PER_TASK;
            TaskPair matvec = pool -> pool.parallelFor(tasks,
                    (t, worker) -> w.multiply(x, y, 0, rows, t * ROWS_PER_TASK, (t + 1) * ROWS_PER_TASK));
            long[] sink = new long[all.threads() * 8];
            TaskPair read = pool -> pool.parallelFor(tasks,
                    (t, worker) -> sink[worker * 8] += readLoop(data, t * ROWS_PER_TASK * rowBytes, ROWS_PER_TASK * rowBytes));
            double bytes = (double) rowBytes * rows;
            double[] single = best(matvec, read, one, seconds);
            double[] parallel = best(matvec, read, all, seconds);
            return new Row(bytes / single[0], bytes / single[1], bytes / parallel[0], bytes / parallel[1]);
        }
    }

    /**
     * Batched products (a prompt's shape): each kernel kind of each type multiplies {@code rows} × 4096 weights (an
     * A13B expert's gate) with {@code tokens} tokens, at 1 thread and at {@code threads}; prints GMAC/s (weights ×
     * tokens per second), best of passes over at least {@code seconds}.
     */
    public static void batched(PrintWriter out, int threads, int tokens, List<GgmlType> types, double seconds) {
        int rows = 3072;
        out.printf(Locale.ROOT, "batched products: %d × %d weights × %d tokens; %s%n%n", rows, ROW_LENGTH, tokens,
                MatMul.describeKernels());
        out.printf(Locale.ROOT, "| type | kernels | 1 thread GMAC/s | %d threads GMAC/s |%n|---|---|---:|---:|%n", threads);
        try (CpuPool one = new CpuPool(1); CpuPool all = new CpuPool(threads); Arena arena = Arena.ofShared()) {
            float[] input = new float[ROW_LENGTH * tokens];
            SplittableRandom random = new SplittableRandom(7);
            for (int i = 0; i < input.length; i++) input[i] = (float) random.nextGaussian();
            for (GgmlType type : types) {
                MemorySegment data = arena.allocate(type.rowBytes(ROW_LENGTH) * rows, 64);
                RandomBlocks.fill(type, data, rows, ROW_LENGTH, 42);
                Tensor tensor = new Tensor("bench." + type, type, new long[] {ROW_LENGTH, rows}, data);
                for (Kind kind : Kind.values()) {
                    WeightMatrix w = switch (kind) {
                        case NATIVE -> NativeKernels.supports(type) ? MatMul.matrix(tensor) : null;
                        case NATIVE_INTERLEAVED -> NativeKernels.supports(type, NativeKernels.Layout.R16)
                                ? CpuWeights.matrix(tensor, true, arena, one) : null;
                        case JAVA -> MatMul.javaMatrix(tensor);
                        case JAVA_PACKED -> PackedWeights.canPack(type, ROW_LENGTH) ? PackedWeights.pack(tensor, arena) : null;
                    };
                    if (w == null) continue;
                    QuantizedActivations x = new QuantizedActivations(ROW_LENGTH, tokens);
                    x.set(input, 0, ROW_LENGTH, tokens);
                    w.prepare(x);
                    float[] y = new float[rows * tokens];
                    int granule = Math.max(ROWS_PER_TASK, w.rowGranule(tokens));
                    int tasks = rows / granule;
                    TaskPair product = pool -> pool.parallelFor(tasks,
                            (t, worker) -> w.multiply(x, y, 0, rows, t * granule, (t + 1) * granule));
                    double macs = (double) rows * ROW_LENGTH * tokens;
                    double single = best(product, pool -> { }, one, seconds)[0];
                    double parallel = best(product, pool -> { }, all, seconds)[0];
                    out.printf(Locale.ROOT, "| %s | %s | %.1f | %.1f |%n", type, kind.name().toLowerCase(Locale.ROOT).replace('_', ' '),
                            macs / single, macs / parallel);
                    out.flush();
                }
            }
        }
    }

    /**
     * The same bytes read from a mapped temporary file (page cache, 4 KiB pages), as an in-place model reads its
     * weights: {@code -Dhy.bench.mapped=true} (or {@code HY_JAVA_OPTS=-Dhy.bench.mapped=true hy bench --kernels}).
     */
    private static MemorySegment mapped(MemorySegment data, Arena arena) {
        try {
            java.nio.file.Path file = java.nio.file.Files.createTempFile("hy-bench", ".bin");
            try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.READ,
                    java.nio.file.StandardOpenOption.WRITE)) {
                ch.write(data.asByteBuffer());
                MemorySegment m = ch.map(java.nio.channels.FileChannel.MapMode.READ_ONLY, 0, data.byteSize(), arena);
                m.load();
                return m;
            } finally {
                java.nio.file.Files.deleteIfExists(file);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private interface TaskPair {
        void run(CpuPool pool);
    }

    /**
     * Best times in nanoseconds of one kernel pass and one read pass, after a warm-up, over at least {@code seconds}
     * and 3 passes each. The two alternate, so that both see the same machine (others' load comes and goes).
     */
    private static double[] best(TaskPair kernel, TaskPair read, CpuPool pool, double seconds) {
        long warmUntil = System.nanoTime() + (long) (0.3e9 * Math.max(0.2, seconds));
        for (int i = 0; i < 3 || System.nanoTime() < warmUntil; i++) {
            kernel.run(pool);
            read.run(pool);
        }
        long until = System.nanoTime() + (long) (seconds * 1e9);
        double[] best = {Double.MAX_VALUE, Double.MAX_VALUE};
        for (int i = 0; i < 3 || System.nanoTime() < until; i++) {
            long t0 = System.nanoTime();
            kernel.run(pool);
            long t1 = System.nanoTime();
            read.run(pool);
            long t2 = System.nanoTime();
            best[0] = Math.min(best[0], t1 - t0);
            best[1] = Math.min(best[1], t2 - t1);
        }
        return best;
    }

    /** Sums {@code bytes} bytes as 512-bit vectors of longs (four independent accumulators hide the add latency). */
    static long readLoop(MemorySegment data, long offset, long bytes) {
        LongVector a0 = LongVector.zero(LongVector.SPECIES_512);
        LongVector a1 = a0, a2 = a0, a3 = a0;
        long end = offset + bytes - 255;
        long i = offset;
        for (; i < end; i += 256) {
            a0 = a0.add(LongVector.fromMemorySegment(LongVector.SPECIES_512, data, i, ByteOrder.LITTLE_ENDIAN));
            a1 = a1.add(LongVector.fromMemorySegment(LongVector.SPECIES_512, data, i + 64, ByteOrder.LITTLE_ENDIAN));
            a2 = a2.add(LongVector.fromMemorySegment(LongVector.SPECIES_512, data, i + 128, ByteOrder.LITTLE_ENDIAN));
            a3 = a3.add(LongVector.fromMemorySegment(LongVector.SPECIES_512, data, i + 192, ByteOrder.LITTLE_ENDIAN));
        }
        long sum = a0.add(a1).add(a2).add(a3).reduceLanes(VectorOperators.ADD);
        for (; i < offset + bytes; i++) sum += data.get(java.lang.foreign.ValueLayout.JAVA_BYTE, i);
        return sum;
    }

    /**
     * {@code KernelBench [--threads N] [--mb MB] [--seconds S] [--types q4_0,q8_0,...]}; defaults: all processors,
     * 256 MB per type, 1 s per measurement, every supported type.
     */
    public static void main(String[] args) {
        int threads = Runtime.getRuntime().availableProcessors();
        int megabytes = 256;
        double seconds = 1;
        List<GgmlType> types = TYPES;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--mb" -> megabytes = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--types" -> {
                    types = new ArrayList<>();
                    for (String name : args[++i].split(",")) {
                        GgmlType t = GgmlType.byName(name.trim());
                        if (t == null || !TYPES.contains(t)) throw new IllegalArgumentException("no CPU kernel type " + name);
                        types.add(t);
                    }
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; usage: KernelBench [--threads N] [--mb MB] [--seconds S] [--types q4_0,q8_0,...]");
            }
        }
        run(new PrintWriter(System.out, true), threads, megabytes, types, seconds);
    }
}
