package hy.runtime.quant;

import static org.junit.jupiter.api.Assertions.*;

import hy.runtime.tensor.GgmlType;
import hy.runtime.tensor.UnsupportedTypeException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class QuantCodecsRegistryTest {
    private static final Set<GgmlType> DECODABLE = EnumSet.of(GgmlType.F32, GgmlType.F16, GgmlType.BF16,
            GgmlType.Q4_0, GgmlType.Q4_1, GgmlType.Q5_0, GgmlType.Q5_1, GgmlType.Q8_0, GgmlType.Q2_K, GgmlType.Q3_K,
            GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K, GgmlType.IQ4_NL, GgmlType.IQ4_XS, GgmlType.IQ2_XXS,
            GgmlType.IQ2_XS, GgmlType.IQ2_S, GgmlType.IQ3_XXS, GgmlType.IQ3_S, GgmlType.IQ1_S);
    private static final Set<GgmlType> ENCODABLE = EnumSet.of(GgmlType.F32, GgmlType.F16, GgmlType.BF16,
            GgmlType.Q4_0, GgmlType.Q4_1, GgmlType.Q5_0, GgmlType.Q5_1, GgmlType.Q8_0, GgmlType.Q4_K, GgmlType.Q5_K,
            GgmlType.Q6_K, GgmlType.IQ4_NL, GgmlType.IQ4_XS);

    @ParameterizedTest
    @EnumSource(GgmlType.class)
    void everyTypeHasACodecOrAClearError(GgmlType t) {
        assertEquals(DECODABLE.contains(t), QuantCodecs.supports(t));
        if (QuantCodecs.supports(t)) {
            assertEquals(t, QuantCodecs.of(t, "blk.0.ffn_up.weight").type());
        } else {
            UnsupportedTypeException e = assertThrows(UnsupportedTypeException.class, () -> QuantCodecs.of(t, "blk.0.ffn_up.weight"));
            assertTrue(e.getMessage().startsWith("unsupported type " + t + " in tensor blk.0.ffn_up.weight"), e.getMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(GgmlType.class)
    void canQuantizeListsExactlyTheEncoders(GgmlType t) {
        assertEquals(ENCODABLE.contains(t), QuantCodecs.canQuantize(t));
    }

    @Test
    void quantizeRowRejectsBadArguments() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment dst = arena.allocate(GgmlType.Q8_0.rowBytes(64));
            float[] src = new float[64];
            var notMultiple = assertThrows(IllegalArgumentException.class, () -> QuantCodecs.quantizeRow(GgmlType.Q8_0, src, 0, 48, dst, 0));
            assertTrue(notMultiple.getMessage().contains("multiple of 32"), notMultiple.getMessage());
            assertThrows(IllegalArgumentException.class, () -> QuantCodecs.quantizeRow(GgmlType.Q8_0, src, 32, 64, dst, 0));
            var tooSmall = assertThrows(IllegalArgumentException.class, () -> QuantCodecs.quantizeRow(GgmlType.Q8_0, src, 0, 64, dst, 1));
            assertTrue(tooSmall.getMessage().contains("needs 68 bytes"), tooSmall.getMessage());
            var unsupported = assertThrows(UnsupportedOperationException.class, () -> QuantCodecs.quantizeRow(GgmlType.IQ2_XXS, new float[256], 0, 256, arena.allocate(66), 0));
            assertTrue(unsupported.getMessage().contains("Q4_K"), unsupported.getMessage());
        }
    }
}
