package hy.runtime.cpu;

import hy.runtime.tensor.GgmlType;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * hy's native CPU kernels (module {@code kernels-cpu}: C with intrinsics, {@code libhycpu.so} in that jar), called
 * through the FFM API. Loaded once per JVM; which instruction set runs is decided by what the CPU and OS allow
 * ({@code hy_cpu_features}: CPUID and the register state the OS saves), unless {@code hy.cpu.kernels} (system property)
 * or {@code HY_CPU_KERNELS} (environment) says {@code java}, {@code avx2}, {@code avxvnni} or {@code avx512vnni}.
 *
 * <p>The library trusts its arguments, so every call goes through {@link #multiply}, which checks them against the
 * weights and activations first: bad input is a Java exception, never a crash. Heap arrays are passed as they are
 * (critical calls, no copies); a call computes one row range, so the pool's tasks stay short.
 */
public final class NativeKernels {
    /** Instruction sets with a compiled variant, best last. */
    public enum Isa {
        AVX2("avx2", 1), AVXVNNI("avxvnni", 2), AVX512VNNI("avx512vnni", 4);

        final String suffix;
        final int featureBit;

        Isa(String suffix, int featureBit) {
            this.suffix = suffix;
            this.featureBit = featureBit;
        }

        /** The name in logs and flags, e.g. {@code avx512-vnni}. */
        public String label() {
            return switch (this) {
                case AVX2 -> "avx2";
                case AVXVNNI -> "avx-vnni";
                case AVX512VNNI -> "avx512-vnni";
            };
        }
    }

    /** How a matrix's bytes are laid out for a native product. */
    public enum Layout {
        /** The file's blocks, used in place. */
        IN_PLACE(""),
        /** {@link Interleaved}'s groups of 16 rows (made with -rtr). */
        R16("r"),
        /**
         * The file's layout, interleaved 16 rows at a time into scratch by the product itself: what in-place
         * matrices use for batches of {@link #BATCHED_MIN_TOKENS} tokens or more. Not a layout of stored bytes.
         */
        BATCHED("b");

        final String suffix;

        Layout(String suffix) {
            this.suffix = suffix;
        }
    }

    /** Batches from this many tokens multiply in-place Q4_0/Q8_0 through {@link Layout#BATCHED}. */
    static final int BATCHED_MIN_TOKENS = 8;
    private static final int ABI = 1;
    private static final int AMX_FLAGS = 8, AMX_GRANTED = 16;
    /** The weight types with native products. */
    private static final List<GgmlType> TYPES = List.of(GgmlType.Q4_0, GgmlType.Q8_0, GgmlType.Q4_K, GgmlType.Q5_K,
            GgmlType.Q6_K, GgmlType.IQ4_XS);
    /** The types with {@link Layout#R16} and {@link Layout#BATCHED} products. */
    private static final List<GgmlType> INTERLEAVED_TYPES = List.of(GgmlType.Q4_0, GgmlType.Q8_0, GgmlType.Q4_K);
    private static final FunctionDescriptor PRODUCT = FunctionDescriptor.ofVoid(ValueLayout.ADDRESS,
            ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
            ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG);
    /** The batched products return 0, or -1 when their scratch could not be allocated. */
    private static final FunctionDescriptor PRODUCT_WITH_STATUS = FunctionDescriptor.of(ValueLayout.JAVA_INT,
            PRODUCT.argumentLayouts().toArray(new MemoryLayout[0]));

    private static final FunctionDescriptor QUANTIZE = FunctionDescriptor.ofVoid(ValueLayout.ADDRESS,
            ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
            ValueLayout.ADDRESS, ValueLayout.ADDRESS);

    private static final SymbolLookup LIBRARY;
    /** Instruction sets this CPU and OS run, in {@link Isa} order (empty without the library). */
    private static final List<Isa> AVAILABLE;
    /** The products used, or null when the Java kernels run. */
    private static final Map<Layout, Map<GgmlType, MethodHandle>> ACTIVE;
    private static final Isa ACTIVE_ISA;
    /** The quantizer of the best available set (all give the same bits), also when the Java kernels are chosen. */
    private static final MethodHandle QUANTIZER;
    private static final String STATUS;

    static {
        SymbolLookup lib = null;
        String why = null;
        int features = 0;
        try {
            lib = load();
            int abi = (int) Linker.nativeLinker().downcallHandle(lib.find("hy_cpu_abi").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT)).invokeExact();
            if (abi != ABI) throw new IllegalStateException("libhycpu.so has ABI " + abi + ", this hy needs " + ABI);
            features = (int) Linker.nativeLinker().downcallHandle(lib.find("hy_cpu_features").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT)).invokeExact();
        } catch (NotBuilt e) {
            why = e.getMessage();
            lib = null;
        } catch (Throwable e) {
            why = "native library not loaded: " + e.getMessage();
            lib = null;
        }
        LIBRARY = lib;
        List<Isa> available = new ArrayList<>();
        if (lib != null) for (Isa isa : Isa.values()) if ((features & isa.featureBit) != 0) available.add(isa);
        AVAILABLE = List.copyOf(available);
        if (lib != null && available.isEmpty()) why = "this CPU has no AVX2+FMA+F16C (or the OS does not save its state)";

        String wanted = System.getProperty("hy.cpu.kernels", System.getenv().getOrDefault("HY_CPU_KERNELS", "auto"))
                .toLowerCase(Locale.ROOT).replace("-", "");
        Isa chosen = null;
        switch (wanted) {
            case "java" -> why = "java (hy.cpu.kernels=java)";
            case "auto", "native" -> chosen = available.isEmpty() ? null : available.getLast();
            default -> {
                Isa forced = null;
                for (Isa isa : Isa.values()) if (isa.suffix.equals(wanted)) forced = isa;
                if (forced == null) {
                    // a class initializer must not throw (that would end the JVM with a trace): say it and run Java
                    why = "java (hy.cpu.kernels / HY_CPU_KERNELS='" + wanted + "' is not auto, java, avx2, avxvnni or "
                            + "avx512vnni)";
                } else if (!available.contains(forced)) {
                    why = "java (" + forced.label() + " requested, but " + (lib == null ? why : "this CPU runs only "
                            + available.stream().map(Isa::label).toList()) + ")";
                } else {
                    chosen = forced;
                }
            }
        }
        ACTIVE_ISA = chosen;
        ACTIVE = chosen == null ? null : handles(chosen);
        QUANTIZER = available.isEmpty() ? null : Linker.nativeLinker().downcallHandle(
                LIBRARY.find("hy_quantize_" + available.getLast().suffix).orElseThrow(), QUANTIZE, Linker.Option.critical(true));
        String amx = (features & AMX_FLAGS) == 0 ? "" : (features & AMX_GRANTED) != 0
                ? "; AMX granted by the OS (not used yet)" : "; AMX listed by CPUID but tile state not granted";
        STATUS = chosen != null ? "native " + chosen.label() + amx
                : why != null && why.startsWith("java") ? why : "java (" + why + ")";
    }

    private NativeKernels() {}

    /** Thrown inside {@link #load} when the build left a NOT-BUILT note instead of the library. */
    private static final class NotBuilt extends Exception {
        NotBuilt(String message) {
            super(message, null, false, false);
        }
    }

    private static SymbolLookup load() throws IOException, NotBuilt {
        String override = System.getenv("HY_NATIVE_LIB");
        if (override != null && !override.isBlank()) return SymbolLookup.libraryLookup(Path.of(override), Arena.global());
        String dir = "/hy/native/linux-x86_64/";
        try (InputStream in = NativeKernels.class.getResourceAsStream(dir + "libhycpu.so")) {
            if (in == null) {
                try (InputStream note = NativeKernels.class.getResourceAsStream(dir + "NOT-BUILT")) {
                    String reason = note == null ? "no native library for " + System.getProperty("os.name") + " "
                            + System.getProperty("os.arch") : new String(note.readAllBytes(), StandardCharsets.UTF_8).strip();
                    throw new NotBuilt("native library not built: " + reason);
                }
            }
            Path file = Files.createTempFile("libhycpu", ".so");
            try {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                return SymbolLookup.libraryLookup(file, Arena.global());
            } finally {
                Files.deleteIfExists(file); // mapped by dlopen already; the name is not needed any more
            }
        }
    }

    private static Map<Layout, Map<GgmlType, MethodHandle>> handles(Isa isa) {
        Map<Layout, Map<GgmlType, MethodHandle>> all = new EnumMap<>(Layout.class);
        for (Layout layout : Layout.values()) {
            Map<GgmlType, MethodHandle> m = new EnumMap<>(GgmlType.class);
            for (GgmlType type : layout == Layout.IN_PLACE ? TYPES : INTERLEAVED_TYPES) {
                String symbol = "hy_" + type.name().toLowerCase(Locale.ROOT) + layout.suffix + "_" + isa.suffix;
                m.put(type, Linker.nativeLinker().downcallHandle(LIBRARY.find(symbol).orElseThrow(
                        () -> new IllegalStateException("libhycpu.so lacks " + symbol)),
                        layout == Layout.BATCHED ? PRODUCT_WITH_STATUS : PRODUCT, Linker.Option.critical(true)));
            }
            all.put(layout, m);
        }
        return all;
    }

    /**
     * Quantizes {@code count} values of {@code x} in blocks of {@code block} (32 or 256) as
     * {@link QuantizedActivations} does, into q and d, plus dsum32 (d·Σq per 32), for 32-blocks sum32 (Σq), for
     * 256-blocks sum16 (Σq per 16); arrays not needed by the block size may be null, and dsum32 for 256-blocks. Checked here; needs the library (not
     * necessarily the native kernels in use).
     */
    static void quantize(float[] x, int count, int block, byte[] q, float[] d, float[] dsum32, short[] sum32, short[] sum16) {
        if (QUANTIZER == null) throw new IllegalStateException("native kernels not available: " + STATUS);
        if (block != 32 && block != 256) throw new IllegalArgumentException("block must be 32 or 256, got " + block);
        if (count < 0 || count % block != 0 || count > x.length || count > q.length || count / block > d.length) {
            throw new IllegalArgumentException("cannot quantize " + count + " values in blocks of " + block);
        }
        boolean small = block == 32;
        if (small ? dsum32 == null || sum32 == null || dsum32.length < count / 32 || sum32.length < count / 32
                : sum16 == null || sum16.length < count / 16 || dsum32 != null && dsum32.length < count / 32) {
            throw new IllegalArgumentException("sum arrays too short for " + count + " values");
        }
        MemorySegment ds = dsum32 != null ? MemorySegment.ofArray(dsum32) : MemorySegment.NULL;
        MemorySegment s32 = small ? MemorySegment.ofArray(sum32) : MemorySegment.NULL;
        MemorySegment s16 = small ? MemorySegment.NULL : MemorySegment.ofArray(sum16);
        try {
            QUANTIZER.invokeExact(MemorySegment.ofArray(x), (long) count, block, MemorySegment.ofArray(q),
                    MemorySegment.ofArray(d), ds, s32, s16);
        } catch (Throwable e) {
            throw new IllegalStateException("native quantization failed", e);
        }
    }

    private static final FunctionDescriptor PACK = FunctionDescriptor.ofVoid(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS);
    private static final MethodHandle PACK_Q4_K = LIBRARY == null || AVAILABLE.isEmpty() ? null
            : Linker.nativeLinker().downcallHandle(LIBRARY.find("hy_pack_q4_kr_" + AVAILABLE.getLast().suffix).orElseThrow(), PACK);

    /**
     * Packs rows [r0, r1) (r0 a multiple of 16) of the in-place Q4_K matrix {@code w} into {@code dst}, which holds
     * their {@link Interleaved} groups. Checked here.
     */
    static void packQ4K(MemorySegment w, int n, int rows, int r0, int r1, MemorySegment dst) {
        if (PACK_Q4_K == null) throw new IllegalStateException("native kernels not available: " + STATUS);
        long rowBytes = GgmlType.Q4_K.rowBytes(n);
        java.util.Objects.checkFromToIndex(r0, r1, rows);
        if (r0 % Interleaved.ROWS != 0 || n % 256 != 0 || w.byteSize() < rowBytes * rows
                || dst.byteSize() < Interleaved.matrixBytes(GgmlType.Q4_K, n, r1 - r0)) {
            throw new IllegalArgumentException("bad Q4_K packing arguments");
        }
        try {
            PACK_Q4_K.invokeExact(w, rowBytes, n, r0, r1, dst);
        } catch (Throwable e) {
            throw new IllegalStateException("native Q4_K packing failed", e);
        }
    }

    /** One line for logs and benchmark headers, e.g. {@code native avx512-vnni} or {@code java (…why…)}. */
    public static String describe() {
        return STATUS;
    }

    /** Whether the native products are in use for {@code type} in the file's layout. */
    public static boolean supports(GgmlType type) {
        return supports(type, Layout.IN_PLACE);
    }

    /** Whether the native products are in use for {@code type} in {@code layout}. */
    public static boolean supports(GgmlType type, Layout layout) {
        return ACTIVE != null && ACTIVE.get(layout).containsKey(type);
    }

    /** The instruction sets with native products this machine can run (for tests and benchmarks). */
    public static List<Isa> available() {
        return AVAILABLE;
    }

    /** The instruction set in use, or null. */
    public static Isa active() {
        return ACTIVE_ISA;
    }

    /** The products for the instruction set in use (null when the Java kernels run). */
    static Products activeProducts() {
        return ACTIVE == null ? null : new Products(ACTIVE_ISA, ACTIVE);
    }

    /** The products of one instruction set, which must be {@link #available} (tests compare every set). */
    static Products productsFor(Isa isa) {
        if (!AVAILABLE.contains(isa)) throw new IllegalArgumentException(isa.label() + " is not available here");
        return new Products(isa, handles(isa));
    }

    /** A set of native products; {@link #multiply} validates and calls one. */
    record Products(Isa isa, Map<Layout, Map<GgmlType, MethodHandle>> handles) {
        /**
         * {@code y[yOffset + t·yStride + r] = dot(row r, token t)} for rows [rowStart, rowEnd) of the matrix whose
         * bytes start at byte 0 of {@code w} ({@code rows} rows of {@code rowBytes} in the file, laid out as
         * {@code layout}), with activations prepared in native form for {@code type}. Every argument is checked
         * here; the C code trusts them.
         */
        void multiply(GgmlType type, Layout layout, MemorySegment w, long rowBytes, int n, int rows,
                QuantizedActivations x, float[] y, int yOffset, int yStride, int rowStart, int rowEnd) {
            if (layout == Layout.BATCHED) throw new IllegalArgumentException("BATCHED is chosen here, not by callers");
            boolean batched = layout == Layout.IN_PLACE && x.tokens() >= BATCHED_MIN_TOKENS
                    && handles.get(Layout.BATCHED).containsKey(type);
            MethodHandle h = handles.get(batched ? Layout.BATCHED : layout).get(type);
            if (h == null) throw new IllegalArgumentException("no native product for " + type + " " + layout);
            if (rowBytes != type.rowBytes(n)) throw new IllegalArgumentException("row of " + n + " " + type + " weights is "
                    + type.rowBytes(n) + " bytes, got " + rowBytes);
            long need = layout == Layout.R16 ? Interleaved.matrixBytes(type, n, rows) : rowBytes * rows;
            if (w.byteSize() < need) throw new IllegalArgumentException("weights hold " + w.byteSize() + " bytes, need " + need);
            if (layout == Layout.R16 && rowStart % Interleaved.ROWS != 0) {
                throw new IllegalArgumentException("interleaved rows start at multiples of " + Interleaved.ROWS + ", got " + rowStart);
            }
            MatMul.checkArguments(type.name(), n, rows, x, y, yOffset, yStride, rowStart, rowEnd);
            if (rowEnd == rowStart) return;
            QuantizedActivations.NativeForm a = x.nativeForm(ActivationFormat.forWeights(type, type.name()));
            MemorySegment sums = type == GgmlType.Q4_K && (layout == Layout.R16 || batched) ? MemorySegment.ofArray(a.sum32())
                    : layout == Layout.R16 || batched ? MemorySegment.ofArray(a.sum32Int()) : switch (type) {
                case Q4_0 -> MemorySegment.ofArray(a.sum32());
                case Q4_K, Q5_K, Q6_K -> MemorySegment.ofArray(a.sum16());
                default -> MemorySegment.NULL;
            };
            MemorySegment q = MemorySegment.ofArray(a.q()), d = MemorySegment.ofArray(a.d());
            MemorySegment out = MemorySegment.ofArray(y).asSlice(4L * yOffset);
            int status;
            try {
                if (batched) {
                    status = (int) h.invokeExact(w, rowBytes, n, rowStart, rowEnd, q, d, sums, x.tokens(), out, (long) yStride);
                } else {
                    h.invokeExact(w, rowBytes, n, rowStart, rowEnd, q, d, sums, x.tokens(), out, (long) yStride);
                    status = 0;
                }
            } catch (Throwable e) {
                throw new IllegalStateException("native " + type + " product failed", e);
            }
            if (status != 0) throw new OutOfMemoryError("no native memory for a " + type + " product's 16-row scratch");
        }
    }
}
