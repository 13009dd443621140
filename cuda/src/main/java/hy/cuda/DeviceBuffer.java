package hy.cuda;

/** One device allocation, accounted under a {@link MemoryCategory}; {@link #close} frees it. */
public final class DeviceBuffer implements AutoCloseable {
    private final DeviceAllocator owner;
    private final long address;
    private final long bytes;
    private final MemoryCategory category;
    private final String label;
    private boolean freed;

    DeviceBuffer(DeviceAllocator owner, long address, long bytes, MemoryCategory category, String label) {
        this.owner = owner;
        this.address = address;
        this.bytes = bytes;
        this.category = category;
        this.label = label;
    }

    /** The device address of byte 0 (what a kernel's pointer argument receives). */
    public long address() {
        return address(0);
    }

    /** The device address of byte {@code offset}, bounds-checked. */
    public long address(long offset) {
        return address(offset, 0);
    }

    /** The device address of {@code length} bytes at {@code offset}, bounds-checked. */
    public long address(long offset, long length) {
        if (freed) throw new IllegalStateException(label + ": device buffer used after it was freed");
        if (offset < 0 || length < 0 || offset > bytes - length) {
            throw new IndexOutOfBoundsException(label + ": bytes [" + offset + ", " + offset + "+" + length + ") outside a buffer of " + bytes);
        }
        return address + offset;
    }

    public long bytes() {
        return bytes;
    }

    public MemoryCategory category() {
        return category;
    }

    public String label() {
        return label;
    }

    @Override
    public void close() {
        if (freed) return;
        freed = true;
        owner.free(address, bytes, category);
    }
}
