package hy.cuda.backend;

/**
 * Offsets of the temporary arrays one op needs, 256-byte aligned, laid out before the scratch buffer is sized so the
 * buffer grows at most once per op and never while an op's earlier arrays are in use.
 */
final class ScratchLayout {
    static final long ALIGN = 256;
    private long size;

    /** Reserves {@code bytes} and returns their offset. */
    long add(long bytes) {
        long at = size;
        size += (bytes + ALIGN - 1) / ALIGN * ALIGN;
        return at;
    }

    long floats(long n) {
        return add(n * Float.BYTES);
    }

    long ints(long n) {
        return add(n * Integer.BYTES);
    }

    long size() {
        return size;
    }
}
