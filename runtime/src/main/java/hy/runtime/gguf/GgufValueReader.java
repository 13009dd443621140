package hy.runtime.gguf;

import java.lang.foreign.ValueLayout;

/** Decodes one typed GGUF metadata value (scalars, strings, arrays, arrays of arrays) from a {@link GgufCursor}. */
final class GgufValueReader {
    /** Nested arrays deeper than this are rejected (the format allows them; no model uses more than one level). */
    static final int MAX_ARRAY_DEPTH = 4;

    private GgufValueReader() {}

    /** Reads a u32 value-type id; {@code field} names what it types. */
    static GgufValueType type(GgufCursor c, String field) {
        long at = c.position();
        int id = c.u32(field);
        GgufValueType t = GgufValueType.byId(Integer.toUnsignedLong(id));
        if (t == null) throw c.error(field, at, "unknown metadata value type " + Integer.toUnsignedString(id));
        return t;
    }

    static GgufValue value(GgufCursor c, GgufValueType type, String field) {
        return switch (type) {
            case UINT8, INT8 -> new GgufValue(type, c.u8(field));
            case UINT16, INT16 -> new GgufValue(type, c.u16(field));
            case UINT32, INT32 -> new GgufValue(type, c.u32(field));
            case UINT64, INT64 -> new GgufValue(type, c.u64(field));
            case FLOAT32 -> new GgufValue(type, c.f32(field));
            case FLOAT64 -> new GgufValue(type, c.f64(field));
            case BOOL -> new GgufValue(type, c.bool(field));
            case STRING -> new GgufValue(type, c.string(field));
            case ARRAY -> new GgufValue(type, array(c, field, 0));
        };
    }

    private static GgufArray array(GgufCursor c, String field, int depth) {
        if (depth >= MAX_ARRAY_DEPTH) {
            throw c.error(field, c.position(), "arrays nested deeper than " + MAX_ARRAY_DEPTH + " levels");
        }
        GgufValueType et = type(c, field + " element type");
        int n = c.count(field + " array length", et.minBytes());
        return new GgufArray(et, switch (et) {
            case UINT8, INT8 -> bulk(c, field, ValueLayout.JAVA_BYTE, new byte[n]);
            case UINT16, INT16 -> bulk(c, field, GgufCursor.I16, new short[n]);
            case UINT32, INT32 -> bulk(c, field, GgufCursor.I32, new int[n]);
            case UINT64, INT64 -> bulk(c, field, GgufCursor.I64, new long[n]);
            case FLOAT32 -> bulk(c, field, GgufCursor.F32, new float[n]);
            case FLOAT64 -> bulk(c, field, GgufCursor.F64, new double[n]);
            case BOOL -> {
                boolean[] v = new boolean[n];
                for (int i = 0; i < n; i++) v[i] = c.bool(field);
                yield v;
            }
            case STRING -> {
                String[] v = new String[n];
                for (int i = 0; i < n; i++) v[i] = c.string(field, i);
                yield v;
            }
            case ARRAY -> {
                GgufArray[] v = new GgufArray[n];
                for (int i = 0; i < n; i++) v[i] = array(c, field + "[" + i + "]", depth + 1);
                yield v;
            }
        });
    }

    private static Object bulk(GgufCursor c, String field, ValueLayout layout, Object dst) {
        c.bulk(field, layout, dst, java.lang.reflect.Array.getLength(dst));
        return dst;
    }
}
