package hy.runtime.cpu;

import hy.runtime.util.NativeMemory;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Weight copies in transparent huge pages where Linux offers them ({@code madvise(MADV_HUGEPAGE)} on 2 MiB-aligned
 * memory). The kernels stream weights, and with 4 KiB pages every page costs a TLB walk and stops the hardware
 * prefetcher at its boundary; 2 MiB pages let the streams run. Where madvise is missing or refuses (other OS, THP
 * off), the memory is used as it is.
 */
public final class HugePages {
    static final long SIZE = 2L << 20;
    private static final int MADV_HUGEPAGE = 14;
    private static final MethodHandle MADVISE = find();

    private HugePages() {}

    private static MethodHandle find() {
        if (!System.getProperty("os.name", "").startsWith("Linux")) return null;
        try {
            Linker linker = Linker.nativeLinker();
            return linker.defaultLookup().find("madvise").map(a -> linker.downcallHandle(a,
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT)))
                    .orElse(null);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * {@code bytes} freed with {@code arena}, 2 MiB-aligned and advised for huge pages before anything touches them
     * (so the first writes fault in huge pages; {@code Arena.allocate} would zero-fill first, in 4 KiB pages). The
     * contents are undefined: callers write every byte they read.
     */
    public static MemorySegment allocate(Arena arena, long bytes) {
        if (bytes < SIZE || MADVISE == null) return NativeMemory.allocate(bytes, arena);
        long rounded = (bytes + SIZE - 1) / SIZE * SIZE;
        MemorySegment s = NativeMemory.allocate(rounded, SIZE, arena);
        try {
            int ignored = (int) MADVISE.invokeExact(s, rounded, MADV_HUGEPAGE);
        } catch (Throwable e) {
            // an advice only: the memory works either way
        }
        return s.asSlice(0, bytes);
    }
}
