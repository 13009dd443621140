package hy.runtime.cpu;

import hy.runtime.quant.QuantCodec;
import hy.runtime.quant.QuantCodecs;
import hy.runtime.tensor.GgmlType;
import java.util.EnumMap;
import java.util.Map;

/** Which {@link RowDecoder} reads rows of which weight type in the file's layout. */
final class RowDecoders {
    private RowDecoders() {}

    private static final Map<GgmlType, RowDecoder> DECODERS = new EnumMap<>(GgmlType.class);

    static {
        for (GgmlType type : GgmlType.values()) {
            if (!QuantCodecs.supports(type)) continue;
            QuantCodec codec = QuantCodecs.of(type, type.name());
            DECODERS.put(type, (w, offset, n, dst) -> codec.dequantize(w, offset, dst, 0, n));
        }
    }

    /**
     * The decoder for rows of {@code type} as stored in GGUF: the vector kernels' own decoding for the common block
     * types, else the reference codec (the float product amortizes decoding over the batch, so a scalar codec costs
     * little there beyond a few dozen tokens).
     */
    static RowDecoder of(GgmlType type, String tensorName) {
        if (Simd.ENABLED) {
            switch (type) {
                case Q8_0: return Q8_0Kernel.VECTOR;
                case Q4_0: return LegacyQuantKernel.Q4_0;
                case Q4_1: return LegacyQuantKernel.Q4_1;
                case Q5_0: return LegacyQuantKernel.Q5_0;
                case Q5_1: return LegacyQuantKernel.Q5_1;
                default: break;
            }
        }
        RowDecoder d = DECODERS.get(type);
        if (d == null) QuantCodecs.of(type, tensorName);   // throws, naming the tensor
        return d;
    }
}
