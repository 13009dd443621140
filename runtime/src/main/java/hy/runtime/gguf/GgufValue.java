package hy.runtime.gguf;

import java.util.Objects;

/**
 * One typed GGUF metadata value. The Java type of {@code value} follows the GGUF type: Byte (UINT8/INT8), Short
 * (UINT16/INT16), Integer (UINT32/INT32), Long (UINT64/INT64), Float, Double, Boolean, String, or {@link GgufArray}.
 * Unsigned values keep their raw bits; {@link #asLong()} zero-extends them.
 */
public record GgufValue(GgufValueType type, Object value) {

    public GgufValue {
        Objects.requireNonNull(type);
        Objects.requireNonNull(value);
        Class<?> expected = switch (type) {
            case UINT8, INT8 -> Byte.class;
            case UINT16, INT16 -> Short.class;
            case UINT32, INT32 -> Integer.class;
            case UINT64, INT64 -> Long.class;
            case FLOAT32 -> Float.class;
            case FLOAT64 -> Double.class;
            case BOOL -> Boolean.class;
            case STRING -> String.class;
            case ARRAY -> GgufArray.class;
        };
        if (value.getClass() != expected) {
            throw new IllegalArgumentException(type + " value needs " + expected.getSimpleName() + ", got "
                    + value.getClass().getSimpleName());
        }
    }

    public static GgufValue u8(int v) { return new GgufValue(GgufValueType.UINT8, (byte) v); }
    public static GgufValue i8(int v) { return new GgufValue(GgufValueType.INT8, (byte) v); }
    public static GgufValue u16(int v) { return new GgufValue(GgufValueType.UINT16, (short) v); }
    public static GgufValue i16(int v) { return new GgufValue(GgufValueType.INT16, (short) v); }
    public static GgufValue u32(long v) { return new GgufValue(GgufValueType.UINT32, (int) v); }
    public static GgufValue i32(int v) { return new GgufValue(GgufValueType.INT32, v); }
    public static GgufValue u64(long v) { return new GgufValue(GgufValueType.UINT64, v); }
    public static GgufValue i64(long v) { return new GgufValue(GgufValueType.INT64, v); }
    public static GgufValue f32(float v) { return new GgufValue(GgufValueType.FLOAT32, v); }
    public static GgufValue f64(double v) { return new GgufValue(GgufValueType.FLOAT64, v); }
    public static GgufValue bool(boolean v) { return new GgufValue(GgufValueType.BOOL, v); }
    public static GgufValue string(String v) { return new GgufValue(GgufValueType.STRING, v); }
    public static GgufValue array(GgufValueType elementType, Object javaArray) {
        return new GgufValue(GgufValueType.ARRAY, new GgufArray(elementType, javaArray));
    }
    public static GgufValue strings(String... v) { return array(GgufValueType.STRING, v); }
    public static GgufValue int32s(int... v) { return array(GgufValueType.INT32, v); }
    public static GgufValue float32s(float... v) { return array(GgufValueType.FLOAT32, v); }

    public boolean isInteger() {
        return switch (type) {
            case UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64 -> true;
            default -> false;
        };
    }

    /** Integer value, unsigned types zero-extended (a UINT64 above Long.MAX_VALUE throws). */
    public long asLong() {
        return switch (type) {
            case UINT8 -> Byte.toUnsignedLong((Byte) value);
            case INT8 -> (Byte) value;
            case UINT16 -> Short.toUnsignedLong((Short) value);
            case INT16 -> (Short) value;
            case UINT32 -> Integer.toUnsignedLong((Integer) value);
            case INT32 -> (Integer) value;
            case UINT64 -> {
                long v = (Long) value;
                if (v < 0) throw new ArithmeticException("UINT64 value " + Long.toUnsignedString(v) + " exceeds a signed long");
                yield v;
            }
            case INT64 -> (Long) value;
            case BOOL -> ((Boolean) value) ? 1 : 0;
            default -> throw new IllegalStateException("not an integer: " + type);
        };
    }

    public int asInt() {
        return Math.toIntExact(asLong());
    }

    public double asDouble() {
        return switch (type) {
            case FLOAT32 -> (Float) value;
            case FLOAT64 -> (Double) value;
            default -> asLong();
        };
    }

    public boolean asBoolean() {
        if (type != GgufValueType.BOOL) throw new IllegalStateException("not a bool: " + type);
        return (Boolean) value;
    }

    public String asString() {
        if (type != GgufValueType.STRING) throw new IllegalStateException("not a string: " + type);
        return (String) value;
    }

    public GgufArray asArray() {
        if (type != GgufValueType.ARRAY) throw new IllegalStateException("not an array: " + type);
        return (GgufArray) value;
    }

    /** The value as a user would read it: unsigned integers unsigned, floats in shortest round-trip form. */
    public String display() {
        return switch (type) {
            case UINT64 -> Long.toUnsignedString((Long) value);
            case UINT8, UINT16, UINT32, INT8, INT16, INT32, INT64 -> Long.toString(asLong());
            default -> String.valueOf(value);
        };
    }
}
