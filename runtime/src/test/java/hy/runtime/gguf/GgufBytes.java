package hy.runtime.gguf;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * Builds GGUF bytes by hand, field by field (little-endian), independently of {@link GgufWriter}: for v2 headers
 * and for files no correct writer would produce.
 */
final class GgufBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** "GGUF", version, tensor count, KV count. */
    static GgufBytes header(int version, long tensors, long kvs) {
        return new GgufBytes().raw("GGUF".getBytes(StandardCharsets.US_ASCII)).u32(version).u64(tensors).u64(kvs);
    }

    GgufBytes raw(byte... b) {
        out.writeBytes(b);
        return this;
    }

    GgufBytes u8(int v) {
        out.write(v);
        return this;
    }

    GgufBytes u16(int v) {
        return u8(v).u8(v >>> 8);
    }

    GgufBytes u32(int v) {
        return u16(v).u16(v >>> 16);
    }

    GgufBytes u64(long v) {
        return u32((int) v).u32((int) (v >>> 32));
    }

    GgufBytes str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return u64(b.length).raw(b);
    }

    /** A key and its value type id; the caller appends the value. */
    GgufBytes kv(String key, GgufValueType type) {
        return str(key).u32(type.id);
    }

    /** A tensor-table entry. */
    GgufBytes tensor(String name, int ggmlType, long offset, long... ne) {
        str(name).u32(ne.length);
        for (long d : ne) u64(d);
        return u32(ggmlType).u64(offset);
    }

    /** Zero bytes up to the next multiple of {@code alignment}. */
    GgufBytes pad(int alignment) {
        while (out.size() % alignment != 0) out.write(0);
        return this;
    }

    GgufBytes zeros(int n) {
        out.writeBytes(new byte[n]);
        return this;
    }

    int size() {
        return out.size();
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    GgufFile read() {
        return GgufFile.read(MemorySegment.ofArray(bytes()), "test");
    }
}
