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
     * The decoder for rows of {@code type} as stored in GGUF: the vector kernels' own decoding for Q8_0 and the
     * 32-block nibble types, else the reference codec. The codecs are scalar (~1.5-2 ns a weight for the K-quants and
     * IQ4 types, as much as ~50 tokens' FMAs), so those types gain most when packed ({@link PackedDecoders}).
     */
    static RowDecoder of(GgmlType type, String tensorName) {
        RowDecoder vector = !Simd.ENABLED ? null : switch (type) {
            case Q8_0 -> Q8_0Kernel.VECTOR;
            case Q4_0 -> LegacyQuantKernel.Q4_0;
            case Q4_1 -> LegacyQuantKernel.Q4_1;
            case Q5_0 -> LegacyQuantKernel.Q5_0;
            case Q5_1 -> LegacyQuantKernel.Q5_1;
            default -> null;
        };
        if (vector != null) return vector;
        RowDecoder codec = DECODERS.get(type);
        if (codec == null) QuantCodecs.of(type, tensorName);   // throws, naming the tensor
        return codec;
    }
}
