package hy.runtime.quant;

import hy.runtime.tensor.GgmlType;
import hy.runtime.tensor.Tensor;
import hy.runtime.tensor.UnsupportedTypeException;
import java.util.EnumMap;
import java.util.Map;

/** The registry of block codecs, one per supported {@link GgmlType}. */
public final class QuantCodecs {
    private static final Map<GgmlType, QuantCodec> CODECS = new EnumMap<>(GgmlType.class);

    static {
        register(new FloatCodecs.F32());
    }

    private QuantCodecs() {}

    private static void register(QuantCodec c) {
        CODECS.put(c.type(), c);
    }

    public static boolean supports(GgmlType t) {
        return CODECS.containsKey(t);
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
}
