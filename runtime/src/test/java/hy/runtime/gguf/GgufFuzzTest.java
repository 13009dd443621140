package hy.runtime.gguf;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import hy.runtime.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutation fuzzing of the reader over small valid files: every case must either parse (and then every value and
 * tensor view must be usable) or fail with one {@link GgufFormatException} that says where. Anything else (an
 * IndexOutOfBounds, NegativeArraySize, OutOfMemoryError, a hang) fails the test. Heap use per case is measured and
 * must stay proportional to the input: the bound that keeps a small hostile file from allocating gigabytes.
 */
class GgufFuzzTest {
    /** Per-case allocation budget: fixed overhead (objects, exception and its stack trace) plus 64 × input bytes. */
    private static final long ALLOC_FIXED = 1 << 20;
    private static final long ALLOC_PER_BYTE = 64;

    @TempDir
    static Path dir;
    static List<byte[]> seeds;

    @BeforeAll
    static void buildSeeds() throws IOException {
        seeds = new ArrayList<>();
        byte[] sample = GgufSamples.bytesOf(GgufSamples.sampleWriter(1), dir, "sample.gguf");
        seeds.add(sample);
        seeds.add(GgufSamples.asV2(sample));
        seeds.add(GgufSamples.bytesOf(GgufSamples.sampleWriter(2).put(GgufFile.KEY_ALIGNMENT, GgufValue.u32(8)), dir, "a8.gguf"));
        seeds.add(referenceExcerpt());
        for (byte[] s : seeds) check(s, "seed"); // warms up the code paths before allocation is measured
    }

    /** The reference file's metadata (written by another implementation) with its first four tensors. */
    private static byte[] referenceExcerpt() throws IOException {
        try (GgufFile ref = GgufFile.open(QuantVectorsAcceptanceTest.file())) {
            GgufWriter w = new GgufWriter().putAll(ref.metadata());
            for (GgufTensorInfo t : ref.tensorInfos().subList(0, 4)) w.addTensor(ref.view(t));
            return GgufSamples.bytesOf(w, dir, "excerpt.gguf");
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void truncationAtEveryLength() {
        for (byte[] s : seeds) {
            for (int n = 0; n < s.length; n++) check(Arrays.copyOf(s, n), "truncated to " + n);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void everyLengthAndCountFieldInflated() {
        for (byte[] s : seeds) {
            for (byte[] m : GgufMutator.everyLengthInflated(s, headerLength(s))) check(m, "inflated length");
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void randomMutations() {
        fuzz(10_000, 20240601L);
    }

    @Test
    @Tag("slow")
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void manyRandomMutations() {
        // A failure names its seed; -Dhy.fuzz.seed=N replays it.
        fuzz(Integer.getInteger("hy.fuzz.cases", 200_000), Long.getLong("hy.fuzz.seed", System.nanoTime()));
    }

    /** Truncated files on disk go through the memory-mapped path, including the empty file. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void truncatedFilesOnDisk() throws IOException {
        byte[] s = seeds.getFirst();
        Path p = dir.resolve("cut.gguf");
        for (int n = 0; n < s.length; n += n < 64 ? 1 : 37) {
            Files.write(p, Arrays.copyOf(s, n));
            try (GgufFile f = GgufFile.open(p)) {
                exercise(f);
            } catch (GgufFormatException e) {
                assertLocated(e, "file truncated to " + n);
            }
        }
    }

    private static void fuzz(int cases, long seed) {
        GgufMutator mutator = new GgufMutator(seed, seeds);
        int parsed = 0;
        for (int i = 0; i < cases; i++) {
            byte[] input = mutator.mutate(seeds.get(i % seeds.size()));
            if (check(input, "case " + i + " of seed " + seed)) parsed++;
        }
        // Mutations of tensor bytes and metadata values leave valid files: if none parsed, the fuzzer would only be
        // testing the magic check; if all parsed, it would test nothing.
        assertTrue(parsed > cases / 50 && parsed < cases / 2, parsed + " of " + cases + " mutated files parsed");
    }

    /** Where the header of a valid file ends (its data section starts). */
    private static int headerLength(byte[] valid) {
        try (GgufFile f = GgufFile.read(MemorySegment.ofArray(valid), "seed")) {
            return (int) f.dataOffset();
        }
    }

    /** Parses {@code input}; true when it was accepted, false when it was rejected as it should be. */
    private static boolean check(byte[] input, String what) {
        long before = allocatedBytes();
        boolean parsed = false;
        try (GgufFile f = GgufFile.read(MemorySegment.ofArray(input), "fuzz")) {
            exercise(f);
            parsed = true;
        } catch (GgufFormatException e) {
            assertLocated(e, what);
        } catch (Throwable t) {
            fail(what + ": " + t + " for input " + hex(input), t);
        }
        long used = allocatedBytes() - before;
        if (used > ALLOC_FIXED + ALLOC_PER_BYTE * input.length) {
            fail(what + ": parsing " + input.length + " bytes allocated " + used + " bytes; input " + hex(input));
        }
        return parsed;
    }

    private static void assertLocated(GgufFormatException e, String what) {
        String m = e.getMessage();
        assertTrue(m != null && (m.contains(" at byte ") || m.contains("tensor '") || m.contains("metadata '")),
                what + ": message names no place: " + m);
    }

    /** Uses everything a parsed file offers, as a consumer would. */
    private static void exercise(GgufFile f) {
        f.metadata().forEach((k, v) -> display(v));
        for (GgufTensorInfo info : f.tensorInfos()) {
            Tensor t = f.view(info);
            if (t.data().byteSize() != info.byteSize()) fail("view size differs for " + info);
            if (info.byteSize() > 0) {
                t.data().get(ValueLayout.JAVA_BYTE, 0);
                t.data().get(ValueLayout.JAVA_BYTE, info.byteSize() - 1);
            }
            t.elementCount();
        }
    }

    private static void display(GgufValue v) {
        v.display();
        if (v.type() == GgufValueType.ARRAY) {
            GgufArray a = v.asArray();
            for (int i = 0; i < a.length(); i++) display(a.get(i));
        }
    }

    private static String hex(byte[] b) {
        return b.length > 4096 ? "(" + b.length + " bytes)" : HexFormat.of().formatHex(b);
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }
}
