package hy.runtime.gguf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Bounds-checked little-endian reads over a GGUF header. Every read names the field it is reading so that a
 * truncated or hostile file fails with "FIELD at byte OFFSET: ..." and never with an exception from deep inside
 * the JDK.
 */
final class GgufCursor {
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final MemorySegment seg;
    private final long size;
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

    private void need(String field, long n) {
        if (n < 0 || n > size - pos) {
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

    /** A count (u64) that must fit an int and leave room for {@code count × minBytes} more bytes. */
    int count(String field, int minBytesEach) {
        long at = pos;
        long n = u64(field);
        if (n < 0 || n > Integer.MAX_VALUE - 8) {
            throw error(field, at, "count " + Long.toUnsignedString(n) + " is absurd");
        }
        if (minBytesEach > 0 && n > remaining() / minBytesEach) {
            throw error(field, at, "count " + n + " needs at least " + n * (long) minBytesEach
                    + " bytes but only " + remaining() + " remain (truncated or corrupt file)");
        }
        return (int) n;
    }

    String string(String field) {
        long at = pos;
        long len = u64(field + " length");
        if (len < 0 || len > remaining()) {
            throw error(field, at, "string length " + Long.toUnsignedString(len) + " runs past the end of the file ("
                    + remaining() + " bytes remain)");
        }
        if (len > Integer.MAX_VALUE - 8) throw error(field, at, "string length " + len + " is absurd");
        byte[] bytes = seg.asSlice(pos, len).toArray(ValueLayout.JAVA_BYTE);
        pos += len;
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw error(field, at, "string is not valid UTF-8");
        }
    }

    void seek(long p) {
        pos = p;
    }
}
