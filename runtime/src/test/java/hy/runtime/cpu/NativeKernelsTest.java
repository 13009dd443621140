package hy.runtime.cpu;

import static org.junit.jupiter.api.Assertions.*;

import hy.runtime.tensor.GgmlType;
import hy.runtime.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The native products against the Java scalar kernels (the oracle), for every instruction set this machine runs,
 * every native type, token counts around the kernels' group of four, and odd row ranges. Both sides multiply the
 * same 8-bit activations with exact integer block sums; only the order of the float accumulation over blocks
 * differs, so the results agree to float rounding of the row's terms.
 */
class NativeKernelsTest {
    static final List<GgmlType> TYPES = List.of(GgmlType.Q4_0, GgmlType.Q8_0, GgmlType.Q4_K, GgmlType.Q5_K,
            GgmlType.Q6_K, GgmlType.IQ4_XS);

    /** Skips without the library, except under CI=true on a machine with a C compiler, where it must be there. */
    static void assumeLibrary() {
        if (!NativeKernels.available().isEmpty()) return;
        boolean ci = "true".equals(System.getenv("CI"));
        if (ci && hasCompiler()) fail("CI has a C compiler but the native kernels are not loaded: " + NativeKernels.describe());
        Assumptions.abort("native kernels not available: " + NativeKernels.describe());
    }

    private static boolean hasCompiler() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(":")) {
            for (String cc : List.of("cc", "gcc", "clang")) if (Files.isExecutable(Path.of(dir, cc))) return true;
        }
        return false;
    }

    /** Every instruction set × every type of {@code types}. */
    private static Stream<Arguments> cross(List<GgmlType> types) {
        List<Arguments> all = new ArrayList<>();
        for (NativeKernels.Isa isa : NativeKernels.Isa.values()) {
            for (GgmlType type : types) all.add(Arguments.of(isa, type));
        }
        return all.stream();
    }

    static Stream<Arguments> cases() {
        return cross(TYPES);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void nativeMatchesJavaScalarKernel(NativeKernels.Isa isa, GgmlType type) {
        assumeLibrary();
        Assumptions.assumeTrue(NativeKernels.available().contains(isa), isa.label() + " not run by this CPU");
        NativeKernels.Products products = NativeKernels.productsFor(isa);
        // 41 blocks of 32: groups of eight plus a tail, and two chunks of the batched (8+ token) loop
        int n = type.blockSize == 32 ? 1312 : 768;
        int rows = 41;
        RowKernel oracle = RowKernels.scalarOf(type);
        try (Arena arena = Arena.ofConfined()) {
            Tensor w = KernelCheck.weights(arena, type, n, rows, 31 + type.ordinal());
            for (int tokens : new int[] {1, 2, 3, 4, 5, 7, 9, 20}) { // 9 and 20: batched for Q4_0 and Q8_0
                float[] x = KernelCheck.activations(n, tokens, 7 + tokens);
                QuantizedActivations q = new QuantizedActivations(n, 24);
                q.set(x, 0, n, tokens);
                q.prepareNative(ActivationFormat.forWeights(type, "w"));
                q.prepare(type); // the Java form, for the oracle
                int yOffset = 3;
                int yStride = rows + 2;
                float[] y = new float[yOffset + tokens * yStride];
                Arrays.fill(y, Float.NaN);
                products.multiply(type, NativeKernels.Layout.IN_PLACE, w.data(), w.rowBytes(), n, rows, q, y, yOffset, yStride, 1, 17);
                products.multiply(type, NativeKernels.Layout.IN_PLACE, w.data(), w.rowBytes(), n, rows, q, y, yOffset, yStride, 17, 40);
                float[] ref = new float[tokens * rows];
                MatMul.rows(oracle, w.data(), w.rowBytes(), n, q, tokens, ref, 0, rows, 0, rows);
                float scale = 0;
                for (float v : ref) scale = Math.max(scale, Math.abs(v));
                assertTrue(scale > 0, "the reference is not all zeros");
                for (int t = 0; t < tokens; t++) {
                    assertTrue(Float.isNaN(y[yOffset + t * yStride]), "row 0 lies outside the ranges");
                    assertTrue(Float.isNaN(y[yOffset + t * yStride + 40]), "row 40 lies outside the ranges");
                    for (int r = 1; r < 40; r++) {
                        float got = y[yOffset + t * yStride + r], want = ref[t * rows + r];
                        assertEquals(want, got, 2e-6f * scale + 1e-30f,
                                isa + " " + type + " token " + t + "/" + tokens + " row " + r);
                    }
                }
            }
        }
    }

    static Stream<Arguments> interleavedCases() {
        return cross(List.of(GgmlType.Q4_0, GgmlType.Q8_0, GgmlType.Q4_K));
    }

    /**
     * The interleaved layout (-rtr) of a stacked 3-D tensor whose 41 rows leave a padded last group; the in-place
     * test above covers the batched products, which interleave 16 rows at a time themselves.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("interleavedCases")
    void interleavedMatchesJavaScalarKernel(NativeKernels.Isa isa, GgmlType type) {
        assumeLibrary();
        Assumptions.assumeTrue(NativeKernels.available().contains(isa), isa.label() + " not run by this CPU");
        NativeKernels.Products products = NativeKernels.productsFor(isa);
        int n = 1280; // 40 blocks: two chunks of the batched loop
        int rows = 41;
        int experts = 3;
        RowKernel oracle = RowKernels.scalarOf(type);
        try (Arena arena = Arena.ofShared(); CpuPool pool = new CpuPool(2)) {
            Tensor stacked = KernelCheck.weights(arena, type, n, rows * experts, 5 + type.ordinal());
            stacked = new Tensor("w", type, new long[] {n, rows, experts}, stacked.data());
            MemorySegment packed = Interleaved.pack(stacked, arena, pool);
            long perMatrix = Interleaved.matrixBytes(type, n, rows);
            assertEquals(perMatrix * experts, packed.byteSize());
            for (int tokens : new int[] {1, 3, 4, 6, 8, 13}) { // one token group, and several (the tiled loop)
                float[] x = KernelCheck.activations(n, tokens, 11 + tokens);
                QuantizedActivations q = new QuantizedActivations(n, 16);
                q.set(x, 0, n, tokens);
                q.prepareNative(ActivationFormat.forWeights(type, "w"));
                q.prepare(type);
                for (int e = 0; e < experts; e++) {
                    Tensor w = stacked.slice2d(e);
                    float[] y = new float[tokens * rows];
                    MemorySegment m = packed.asSlice(e * perMatrix, perMatrix);
                    products.multiply(type, NativeKernels.Layout.R16, m, w.rowBytes(), n, rows, q, y, 0, rows, 0, 16);
                    products.multiply(type, NativeKernels.Layout.R16, m, w.rowBytes(), n, rows, q, y, 0, rows, 16, rows);
                    float[] ref = new float[tokens * rows];
                    MatMul.rows(oracle, w.data(), w.rowBytes(), n, q, tokens, ref, 0, rows, 0, rows);
                    float scale = 0;
                    for (float v : ref) scale = Math.max(scale, Math.abs(v));
                    assertTrue(scale > 0, "the reference is not all zeros");
                    for (int i = 0; i < ref.length; i++) {
                        assertEquals(ref[i], y[i], 2e-6f * scale, isa + " " + type + " expert " + e + " tokens " + tokens + " at " + i);
                    }
                }
            }
            QuantizedActivations q = new QuantizedActivations(n, 1);
            q.set(KernelCheck.activations(n, 1, 1), 0, n, 1);
            q.prepareNative(ActivationFormat.forWeights(type, "w"));
            Tensor w = stacked.slice2d(0);
            assertThrows(IllegalArgumentException.class, () -> products.multiply(type, NativeKernels.Layout.R16,
                    packed, w.rowBytes(), n, rows, q, new float[rows], 0, rows, 8, rows), "a range inside a group");
            assertThrows(IllegalArgumentException.class, () -> products.multiply(type, NativeKernels.Layout.R16,
                    packed.asSlice(0, perMatrix - 1), w.rowBytes(), n, rows, q, new float[rows], 0, rows, 0, rows),
                    "fewer bytes than the padded groups");
        }
    }

    /** The native quantizer gives the Java one's values bit for bit, ties and clamping included. */
    @Test
    void nativeQuantizationEqualsJava() {
        assumeLibrary();
        int n = 512;
        int tokens = 3;
        float[] x = KernelCheck.activations(n, tokens, 99);
        for (int i = 0; i < 40; i++) x[7 * i] = (i - 20) * 0.5f; // exact halves after scaling in some blocks
        java.util.Arrays.fill(x, 256, 288, 0f);                   // an all-zero block: d = 0
        x[300] = 1e-30f;
        for (ActivationFormat format : List.of(ActivationFormat.Q8_0, ActivationFormat.Q8_K)) {
            QuantizedActivations java = new QuantizedActivations(n, tokens);
            QuantizedActivations nat = new QuantizedActivations(n, tokens);
            java.set(x, 0, n, tokens);
            nat.set(x, 0, n, tokens);
            java.prepare(format);
            nat.prepareNative(format);
            QuantizedActivations.NativeForm f = nat.nativeForm(format);
            boolean small = format == ActivationFormat.Q8_0;
            short[] q = small ? java.q32() : java.q256();
            float[] d = small ? java.d32() : java.d256();
            for (int i = 0; i < n * tokens; i++) assertEquals(q[i], f.q()[i], format + " value " + i);
            for (int b = 0; b < n * tokens / format.blockSize; b++) {
                assertEquals(Float.floatToIntBits(d[b]), Float.floatToIntBits(f.d()[b]), format + " scale " + b);
            }
            if (small) {
                for (int b = 0; b < n * tokens / 32; b++) {
                    int sum = 0;
                    for (int i = 32 * b; i < 32 * b + 32; i++) sum += q[i];
                    assertEquals(sum, f.sum32Int()[b]);
                    assertEquals(Float.floatToIntBits(java.sum32()[b]), Float.floatToIntBits(f.sum32()[b]), "d·Σq " + b);
                }
            } else {
                for (int g = 0; g < n * tokens / 16; g++) assertEquals(java.sum16()[g], f.sum16()[g], "Σ per 16, " + g);
            }
        }
    }

    @Test
    void badArgumentsAreJavaExceptionsNotCrashes() {
        assumeLibrary();
        NativeKernels.Products products = NativeKernels.productsFor(NativeKernels.available().getFirst());
        int n = 256;
        try (Arena arena = Arena.ofConfined()) {
            Tensor w = KernelCheck.weights(arena, GgmlType.Q4_K, n, 8, 3);
            QuantizedActivations q = new QuantizedActivations(n, 2);
            q.set(KernelCheck.activations(n, 1, 1), 0, n, 1);
            float[] y = new float[8];
            // not prepared for the native kernels
            assertThrows(IllegalStateException.class, () -> products.multiply(GgmlType.Q4_K, NativeKernels.Layout.IN_PLACE, w.data(), w.rowBytes(), n, 8, q, y, 0, 8, 0, 8));
            q.prepareNative(ActivationFormat.Q8_K);
            // rows past the weights, output too short, row bytes of another type, a type without a native product
            assertThrows(IllegalArgumentException.class, () -> products.multiply(GgmlType.Q4_K, NativeKernels.Layout.IN_PLACE, w.data(), w.rowBytes(), n, 9, q, new float[9], 0, 9, 0, 9));
            assertThrows(IndexOutOfBoundsException.class, () -> products.multiply(GgmlType.Q4_K, NativeKernels.Layout.IN_PLACE, w.data(), w.rowBytes(), n, 8, q, new float[7], 0, 8, 0, 8));
            assertThrows(IllegalArgumentException.class, () -> products.multiply(GgmlType.Q6_K, NativeKernels.Layout.IN_PLACE, w.data(), w.rowBytes(), n, 8, q, y, 0, 8, 0, 8));
            assertThrows(IllegalArgumentException.class, () -> products.multiply(GgmlType.Q5_0, NativeKernels.Layout.IN_PLACE, w.data(), w.rowBytes(), n, 8, q, y, 0, 8, 0, 8));
            // activations of another length
            QuantizedActivations other = new QuantizedActivations(2 * n, 1);
            other.set(KernelCheck.activations(2 * n, 1, 2), 0, 2 * n, 1);
            other.prepareNative(ActivationFormat.Q8_K);
            assertThrows(IllegalArgumentException.class, () -> products.multiply(GgmlType.Q4_K, NativeKernels.Layout.IN_PLACE, w.data(), w.rowBytes(), n, 8, other, y, 0, 8, 0, 8));
            products.multiply(GgmlType.Q4_K, NativeKernels.Layout.IN_PLACE, w.data(), w.rowBytes(), n, 8, q, y, 0, 8, 0, 8); // and the good call works
        }
    }

    @Test
    void startupLineNamesTheKernels() {
        String line = NativeKernels.describe();
        assertTrue(line.startsWith("native ") || line.startsWith("java ("), line);
        if ("java".equals(System.getenv("HY_CPU_KERNELS"))) {
            // the second test run (runtime/pom.xml, java-kernels) really runs on the Java kernels
            assertEquals("java (hy.cpu.kernels=java)", line);
            assertNull(NativeKernels.active());
        }
        if (NativeKernels.active() != null) assertTrue(line.startsWith("native " + NativeKernels.active().label()), line);
    }
}
