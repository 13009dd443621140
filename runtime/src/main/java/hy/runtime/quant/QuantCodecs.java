package hy.runtime.quant;

import hy.runtime.tensor.GgmlType;
import hy.runtime.tensor.Tensor;
import hy.runtime.tensor.UnsupportedTypeException;
import java.lang.foreign.MemorySegment;
import java.util.EnumMap;
import java.util.Map;

/**
 * The registry of block codecs, one per supported {@link GgmlType}, with row-level helpers. All codecs are
 * stateless: any number of threads may dequantize or quantize at once.
 */
public final class QuantCodecs {
    private static final Map<GgmlType, QuantCodec> CODECS = new EnumMap<>(GgmlType.class);

    static {
        register(new FloatCodecs.F32());
        register(new FloatCodecs.F16());
        register(new FloatCodecs.BF16());
        register(new LegacyCodecs.Nibble(GgmlType.Q4_0, false, false));
        register(new LegacyCodecs.Nibble(GgmlType.Q4_1, false, true));
        register(new LegacyCodecs.Nibble(GgmlType.Q5_0, true, false));
        register(new LegacyCodecs.Nibble(GgmlType.Q5_1, true, true));
        register(new LegacyCodecs.Q8_0());
        register(new KQuantCodecs.Q2_K());
        register(new KQuantCodecs.Q3_K());
        register(ScaleMinKCodecs.Codec.q4K());
        register(ScaleMinKCodecs.Codec.q5K());
        register(new KQuantCodecs.Q6_K());
        register(new IQ4Codecs.IQ4_NL());
        register(new IQ4Codecs.IQ4_XS());
        register(new IQGridCodecs.IQ2_XXS());
        register(new IQGridCodecs.IQ2_XS());
        register(new IQGridCodecs.IQ2_S());
        register(new IQGridCodecs.IQ3_XXS());
        register(new IQGridCodecs.IQ3_S());
        register(new IQGridCodecs.IQ1_S());
    }

    private QuantCodecs() {}

    private static void register(QuantCodec c) {
        CODECS.put(c.type(), c);
    }

    /** Whether tensors of type {@code t} can be dequantized. */
    public static boolean supports(GgmlType t) {
        return CODECS.containsKey(t);
    }

    /** Whether floats can be encoded as {@code t} (see {@link #quantizeRow}). */
    public static boolean canQuantize(GgmlType t) {
        QuantCodec c = CODECS.get(t);
        return c != null && c.canQuantize();
    }

    /** The codec for {@code t}; {@code tensorName} is only used in the error for unsupported types. */
    public static QuantCodec of(GgmlType t, String tensorName) {
        QuantCodec c = CODECS.get(t);
        if (c == null) throw new UnsupportedTypeException(t, tensorName, "no dequantizer");
        return c;
    }

    /** Dequantizes row {@code r} of a tensor into a new array. */
    public static float[] dequantizeRow(Tensor t, long r) {
        float[] out = new float[t.rowLength()];
        of(t.type(), t.name()).dequantize(t.data(), t.rowOffset(r), out, 0, out.length);
        return out;
    }

    /** Dequantizes a whole tensor (tests and small tensors only: allocates elementCount floats). */
    public static float[] dequantizeAll(Tensor t) {
        int n = Math.toIntExact(t.elementCount());
        float[] out = new float[n];
        QuantCodec c = of(t.type(), t.name());
        int row = t.rowLength();
        for (long r = 0; r < t.rowCount(); r++) c.dequantize(t.data(), t.rowOffset(r), out, (int) (r * row), row);
        return out;
    }

    /**
     * Encodes {@code src[off..off+n)} as {@code type} at byte {@code dstOff} of {@code dst}, as ggml's reference
     * quantizer does without an importance matrix; writes {@code type.rowBytes(n)} bytes. Thread-safe.
     *
     * @throws IllegalArgumentException when {@code n} is not a multiple of the block size or a range is out of bounds
     * @throws UnsupportedOperationException when {@link #canQuantize} is false for {@code type}
     */
    public static void quantizeRow(GgmlType type, float[] src, int off, int n, MemorySegment dst, long dstOff) {
        QuantCodec c = CODECS.get(type);
        if (c == null || !c.canQuantize()) {
            throw new UnsupportedOperationException("quantization to " + type + " is not supported; choose one of "
                    + quantizableTypes());
        }
        long bytes = type.rowBytes(n); // rejects n that is not a multiple of the block size
        if (off < 0 || n < 0 || off > src.length - n) {
            throw new IllegalArgumentException("source range [" + off + ", " + off + "+" + n + ") outside an array of " + src.length);
        }
        if (dstOff < 0 || dstOff > dst.byteSize() - bytes) {
            throw new IllegalArgumentException(type + " row of " + n + " weights needs " + bytes + " bytes at offset "
                    + dstOff + ", destination has " + dst.byteSize());
        }
        c.quantize(src, off, dst, dstOff, n);
    }

    private static String quantizableTypes() {
        StringBuilder sb = new StringBuilder();
        for (QuantCodec c : CODECS.values()) {
            if (!c.canQuantize()) continue;
            if (!sb.isEmpty()) sb.append(", ");
            sb.append(c.type());
        }
        return sb.toString();
    }
}
