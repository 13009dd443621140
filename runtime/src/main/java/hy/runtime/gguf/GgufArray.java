package hy.runtime.gguf;

import java.lang.reflect.Array;
import java.util.Arrays;
import java.util.Objects;

/**
 * A GGUF array value. {@code values} is a Java array matching the element type: byte[] for UINT8/INT8, short[] for
 * UINT16/INT16, int[] for UINT32/INT32, long[] for UINT64/INT64, float[], double[], boolean[], String[] or
 * GgufArray[] for nested arrays. Unsigned values keep their raw bits; {@link GgufValue} interprets them.
 */
public record GgufArray(GgufValueType elementType, Object values) {

    public GgufArray {
        Objects.requireNonNull(elementType);
        Objects.requireNonNull(values);
        Class<?> expected = javaArrayClass(elementType);
        if (values.getClass() != expected) {
            throw new IllegalArgumentException("array of " + elementType + " needs " + expected.getSimpleName()
                    + ", got " + values.getClass().getSimpleName());
        }
    }

    public static Class<?> javaArrayClass(GgufValueType t) {
        return switch (t) {
            case UINT8, INT8 -> byte[].class;
            case UINT16, INT16 -> short[].class;
            case UINT32, INT32 -> int[].class;
            case UINT64, INT64 -> long[].class;
            case FLOAT32 -> float[].class;
            case FLOAT64 -> double[].class;
            case BOOL -> boolean[].class;
            case STRING -> String[].class;
            case ARRAY -> GgufArray[].class;
        };
    }

    public int length() {
        return Array.getLength(values);
    }

    /** Element {@code i} as a {@link GgufValue}. */
    public GgufValue get(int i) {
        return switch (elementType) {
            case UINT8, INT8 -> new GgufValue(elementType, ((byte[]) values)[i]);
            case UINT16, INT16 -> new GgufValue(elementType, ((short[]) values)[i]);
            case UINT32, INT32 -> new GgufValue(elementType, ((int[]) values)[i]);
            case UINT64, INT64 -> new GgufValue(elementType, ((long[]) values)[i]);
            case FLOAT32 -> new GgufValue(elementType, ((float[]) values)[i]);
            case FLOAT64 -> new GgufValue(elementType, ((double[]) values)[i]);
            case BOOL -> new GgufValue(elementType, ((boolean[]) values)[i]);
            case STRING -> new GgufValue(elementType, ((String[]) values)[i]);
            case ARRAY -> new GgufValue(elementType, ((GgufArray[]) values)[i]);
        };
    }

    public String[] strings() {
        return (String[]) values;
    }

    /** Integer elements widened to int (unsigned types zero-extended where they fit). */
    public int[] ints() {
        int n = length();
        int[] out = new int[n];
        for (int i = 0; i < n; i++) out[i] = Math.toIntExact(get(i).asLong());
        return out;
    }

    public float[] floats() {
        int n = length();
        float[] out = new float[n];
        for (int i = 0; i < n; i++) out[i] = (float) get(i).asDouble();
        return out;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof GgufArray(GgufValueType et, Object v)) || et != elementType) return false;
        return Arrays.deepEquals(new Object[] {values}, new Object[] {v});
    }

    @Override
    public int hashCode() {
        return 31 * elementType.hashCode() + Arrays.deepHashCode(new Object[] {values});
    }

    @Override
    public String toString() {
        return "[" + elementType + " x " + length() + "]";
    }
}
