package hy.runtime.gguf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Bounds-checked little-endian reads over a GGUF header. Every read names the field it is reading so that a
 * truncated or hostile file fails with "FIELD at byte OFFSET: ..." and never with an exception from deep inside
 * the JDK.
 *
 * <p>Allocation is bounded by construction: a string's bytes and an array's elements are only allocated after
 * checking that the file still holds them ({@link #count} checks {@code count × minimum bytes per element} against
 * the bytes left), so the heap a header costs is a small multiple of the header's size, and a small hostile file
 * cannot make the reader allocate more than a small amount.
 */
final class GgufCursor {
    static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Java arrays cannot be longer than this (the JDK's own soft limit). */
    private static final long MAX_JAVA_ARRAY = Integer.MAX_VALUE - 8;

    private final MemorySegment seg;
    private final long size;
    // One strict decoder per cursor: token lists hold ~10^5 strings and a decoder per string would dominate.
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private long pos;

    GgufCursor(MemorySegment seg) {
        this.seg = seg;
        this.size = seg.byteSize();
    }

    long position() {
        return pos;
    }

    long remaining() {
        return size - pos;
    }

    long size() {
        return size;
    }

    GgufFormatException error(String field, long at, String problem) {
        return new GgufFormatException(field + " at byte " + at + ": " + problem);
    }

    /** Fails unless {@code n} more bytes are present; {@code n} must be non-negative. */
    void need(String field, long n) {
        if (n > size - pos) {
            throw error(field, pos, "needs " + n + " bytes but the file ends after " + (size - pos)
                    + " (truncated file)");
        }
    }

    byte u8(String field) {
        need(field, 1);
        return seg.get(ValueLayout.JAVA_BYTE, pos++);
    }

    short u16(String field) {
        need(field, 2);
        short v = seg.get(I16, pos);
        pos += 2;
        return v;
    }

    int u32(String field) {
        need(field, 4);
        int v = seg.get(I32, pos);
        pos += 4;
        return v;
    }

    long u64(String field) {
        need(field, 8);
        long v = seg.get(I64, pos);
        pos += 8;
        return v;
    }

    float f32(String field) {
        need(field, 4);
        float v = seg.get(F32, pos);
        pos += 4;
        return v;
    }

    double f64(String field) {
        need(field, 8);
        double v = seg.get(F64, pos);
        pos += 8;
        return v;
    }

    boolean bool(String field) {
        long at = pos;
        byte b = u8(field);
        if (b != 0 && b != 1) throw error(field, at, "bool must be 0 or 1, got " + (b & 0xff));
        return b == 1;
    }

    /**
     * Copies {@code n} fixed-size little-endian elements into {@code dst} (a Java array of the layout's carrier),
     * after checking that they are all present.
     */
    void bulk(String field, ValueLayout layout, Object dst, int n) {
        need(field, n * layout.byteSize());
        MemorySegment.copy(seg, layout, pos, dst, 0, n);
        pos += n * layout.byteSize();
    }

    /**
     * Reads a u64 count that must fit a Java array and leave room for {@code count × minBytesEach} more bytes, so
     * that whatever is allocated for it is backed by bytes actually in the file.
     */
    int count(String field, int minBytesEach) {
        long at = pos;
        long n = u64(field);
        if (n < 0 || n > MAX_JAVA_ARRAY) {
            throw error(field, at, "count " + Long.toUnsignedString(n) + " is absurd (corrupt file)");
        }
        if (n > remaining() / minBytesEach) {
            throw error(field, at, "count " + n + " needs at least " + n * (long) minBytesEach
                    + " bytes but only " + remaining() + " remain (truncated or corrupt file)");
        }
        return (int) n;
    }

    String string(String field) {
        return string(field, -1);
    }

    /**
     * Reads a GGUF string (u64 byte length, UTF-8 bytes). {@code index} ≥ 0 names an array element; the field name
     * is only assembled when something is wrong, because string arrays hold ~10^5 elements.
     */
    String string(String field, int index) {
        long at = pos;
        long len = u64(field);
        if (len < 0 || len > remaining()) {
            throw error(element(field, index), at, "string length " + Long.toUnsignedString(len)
                    + " runs past the end of the file (" + remaining() + " bytes remain)");
        }
        if (len > MAX_JAVA_ARRAY) throw error(element(field, index), at, "string length " + len + " is absurd");
        try {
            String s = utf8.decode(seg.asSlice(pos, len).asByteBuffer()).toString();
            pos += len;
            return s;
        } catch (CharacterCodingException e) {
            throw error(element(field, index), at, "string is not valid UTF-8");
        }
    }

    private static String element(String field, int index) {
        return index < 0 ? field : field + "[" + index + "]";
    }
}
