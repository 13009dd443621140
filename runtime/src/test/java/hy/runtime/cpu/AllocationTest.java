package hy.runtime.cpu;

import static org.junit.jupiter.api.Assertions.*;

import hy.runtime.tensor.GgmlType;
import hy.runtime.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Once C2 has compiled a kernel it must not allocate: vectors that C2 fails to keep in registers (a helper too big to
 * inline, a method graph past the inlining cutoff) are boxed on the heap, which makes a kernel several times slower
 * without changing its results. This catches that regression.
 *
 * <p>Opt-in ({@code slow}): whether C2 inlines depends on the profile the JVM collected before, so in a JVM that has
 * run other kernels first (the default suite) the outcome varies between runs. Run it on its own:
 * {@code scripts/test -pl runtime -am -Dtest=AllocationTest -Dhy.excludedGroups=}.
 */
@org.junit.jupiter.api.Tag("slow")
class AllocationTest {
    static java.util.List<GgmlType> types() {
        return MatMulTest.TYPES;
    }

    @ParameterizedTest
    @MethodSource("types")
    void compiledKernelsDoNotAllocate(GgmlType type) {
        check(type, false);
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q4_0", "Q4_K", "Q5_K", "Q6_K", "IQ4_XS"})
    void compiledPackedKernelsDoNotAllocate(GgmlType type) {
        Assumptions.assumeTrue(PackedWeights.canPack(type, 1024), "vector kernels off");
        check(type, true);
    }

    /** The float product of large batches: its kernel, the tile decoding and the packed decoders. */
    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q8_0", "Q4_0", "Q4_K", "Q5_K", "Q6_K", "IQ4_XS"})
    void compiledFloatProductDoesNotAllocate(GgmlType type) {
        Assumptions.assumeTrue(PackedWeights.canPack(GgmlType.Q4_0, 1024), "vector kernels off");
        check(type, PackedWeights.canPack(type, 1024), 2 * FloatGemm.TOKENS + 5);
    }

    private static void check(GgmlType type, boolean packed) {
        check(type, packed, 1);
    }

    private static void check(GgmlType type, boolean packed, int tokens) {
        var threads = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(threads instanceof com.sun.management.ThreadMXBean, "no allocation counter");
        var counter = (com.sun.management.ThreadMXBean) threads;
        int n = 1024;
        int rows = 8;
        try (Arena arena = Arena.ofConfined()) {
            Tensor t = KernelCheck.weights(arena, type, n, rows, 3);
            WeightMatrix w = packed ? PackedWeights.pack(t, arena) : MatMul.matrix(t);
            QuantizedActivations x = new QuantizedActivations(n, tokens);
            x.set(KernelCheck.activations(n, tokens, 5), 0, n, tokens);
            w.prepare(x);
            float[] y = new float[rows * tokens];
            long perRound = Long.MAX_VALUE;
            long deadline = System.nanoTime() + 20_000_000_000L;
            // Warm up until a round allocates nothing (C2 has compiled the loop), or give up at the deadline.
            while (perRound > 0 && System.nanoTime() < deadline) {
                for (int i = 0; i < 2000; i++) w.multiply(x, y, 0, rows, 0, rows);
                long before = counter.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 200; i++) w.multiply(x, y, 0, rows, 0, rows);
                perRound = counter.getCurrentThreadAllocatedBytes() - before;
            }
            assertEquals(0, perRound, type + (packed ? " packed" : "") + ", " + tokens + " tokens: 200 products allocated "
                    + perRound + " bytes after warm-up");
        }
    }
}
