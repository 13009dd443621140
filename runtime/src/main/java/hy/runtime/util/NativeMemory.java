package hy.runtime.util;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.lwjgl.system.MemoryUtil;

/**
 * Large native buffers without the JDK's zero-fill: {@code Arena.allocate} writes zeros over every byte, which
 * commits all pages of, say, a 16 GB KV cache up front. LWJGL's aligned malloc leaves untouched pages uncommitted,
 * so memory is only paid for as it is used. The block is freed when {@code arena} closes.
 */
public final class NativeMemory {
    private NativeMemory() {}

    public static final long ALIGNMENT = 64;

    public static MemorySegment allocate(long bytes, Arena arena) {
        return allocate(bytes, ALIGNMENT, arena);
    }

    /** As {@link #allocate(long, Arena)}, aligned to {@code alignment} (a power of two). */
    public static MemorySegment allocate(long bytes, long alignment, Arena arena) {
        if (bytes == 0) return MemorySegment.NULL.reinterpret(0);
        long address = MemoryUtil.nmemAlignedAlloc(alignment, bytes);
        if (address == 0) {
            throw new IllegalStateException("out of memory: could not allocate " + bytes / (1 << 20) + " MiB of native memory (try a smaller -c)");
        }
        return MemorySegment.ofAddress(address).reinterpret(bytes, arena, s -> MemoryUtil.nmemAlignedFree(s.address()));
    }
}
