package hy.cuda;

import jcuda.driver.CUdeviceptr;

/** One device allocation, accounted under a {@link MemoryCategory}; {@link #close} frees it. */
public final class DeviceBuffer implements AutoCloseable {
    private final DeviceAllocator owner;
    private final DevicePointer pointer;
    private final long address;
    private final long bytes;
    private final MemoryCategory category;
    private final String label;
    private boolean freed;

    DeviceBuffer(DeviceAllocator owner, DevicePointer pointer, long bytes, MemoryCategory category, String label) {
        this.owner = owner;
        this.pointer = pointer;
        this.address = pointer.address();
        this.bytes = bytes;
        this.category = category;
        this.label = label;
    }

    /** The device address of byte 0 (what a kernel's pointer argument receives). */
    public long address() {
        return address;
    }

    /** The device address of byte {@code offset}, bounds-checked. */
    public long address(long offset) {
        checkRange(offset, 0);
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

    /** A driver pointer to byte {@code offset} for copies of {@code length} bytes. */
    public CUdeviceptr pointer(long offset, long length) {
        checkRange(offset, length);
        return offset == 0 ? pointer : pointer.withByteOffset(offset);
    }

    private void checkRange(long offset, long length) {
        if (freed) throw new IllegalStateException(label + ": device buffer used after it was freed");
        if (offset < 0 || length < 0 || offset > bytes - length) {
            throw new IndexOutOfBoundsException(label + ": bytes [" + offset + ", " + offset + "+" + length + ") outside a buffer of " + bytes);
        }
    }

    @Override
    public void close() {
        if (freed) return;
        freed = true;
        owner.free(pointer, bytes, category, label);
    }
}
