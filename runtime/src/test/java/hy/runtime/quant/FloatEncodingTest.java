package hy.runtime.quant;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** Bit patterns of the half and bfloat16 encoders, including the rounding corner cases ggml defines. */
class FloatEncodingTest {
    private static float bits(int b) {
        return Float.intBitsToFloat(b);
    }

    @Test
    void halfRoundsToNearestEven() {
        assertEquals(0x3C00, Float.floatToFloat16(1.0f) & 0xFFFF);
        assertEquals(0x3555, Float.floatToFloat16(1f / 3) & 0xFFFF);
        assertEquals(0x7BFF, Float.floatToFloat16(65504f) & 0xFFFF);
        assertEquals(0x7C00, Float.floatToFloat16(65520f) & 0xFFFF, "halfway above the largest half rounds to infinity");
        assertEquals(0x0001, Float.floatToFloat16(0x1p-24f) & 0xFFFF, "smallest subnormal");
        assertEquals(0x0000, Float.floatToFloat16(0x1p-25f) & 0xFFFF, "half of it ties to even zero");
        assertEquals(0x0002, Float.floatToFloat16(0x1.8p-24f) & 0xFFFF, "1.5 ulp ties to even 2");
        assertEquals(0x3C00, Float.floatToFloat16(bits(0x3F801000)) & 0xFFFF, "1 + 2^-11 ties down to even");
        assertEquals(0x3C02, Float.floatToFloat16(bits(0x3F803000)) & 0xFFFF, "1 + 3·2^-11 ties up to even");
        assertEquals(0x8000, Float.floatToFloat16(-0f) & 0xFFFF);
    }

    @Test
    void bf16RoundsLikeGgml() {
        assertEquals(0x3F80, FloatCodecs.BF16.fromFloat(1.0f) & 0xFFFF);
        assertEquals(0x3F80, FloatCodecs.BF16.fromFloat(bits(0x3F808000)) & 0xFFFF, "tie to even (down)");
        assertEquals(0x3F82, FloatCodecs.BF16.fromFloat(bits(0x3F818000)) & 0xFFFF, "tie to even (up)");
        assertEquals(0x3F81, FloatCodecs.BF16.fromFloat(bits(0x3F808001)) & 0xFFFF, "above the tie rounds up");
        assertEquals(0x3F80, FloatCodecs.BF16.fromFloat(bits(0x3F807FFF)) & 0xFFFF, "below the tie rounds down");
        assertEquals(0x7F80, FloatCodecs.BF16.fromFloat(Float.MAX_VALUE) & 0xFFFF, "rounds up into infinity, as ggml does");
        assertEquals(0xFF80, FloatCodecs.BF16.fromFloat(Float.NEGATIVE_INFINITY) & 0xFFFF);
        assertEquals(0x7FC0, FloatCodecs.BF16.fromFloat(bits(0x7F800001)) & 0xFFFF, "signalling NaN becomes quiet, not infinity");
        assertEquals(0xFFC0, FloatCodecs.BF16.fromFloat(bits(0xFF800001)) & 0xFFFF);
        assertEquals(0x7FC1, FloatCodecs.BF16.fromFloat(bits(0x7FC1FFFF)) & 0xFFFF, "NaN payload is truncated, not rounded");
        assertEquals(-2.5f, FloatCodecs.BF16.toFloat(FloatCodecs.BF16.fromFloat(-2.5f)), 0f);
    }

    @Test
    void roundingHelpersMatchC() {
        assertEquals(1, QuantMath.roundAway(0.5f));
        assertEquals(-1, QuantMath.roundAway(-0.5f));
        assertEquals(3, QuantMath.roundAway(2.5f));
        assertEquals(0, QuantMath.roundAway(0.49999997f), "roundf must not add 0.5 in float");
        assertEquals(-127, QuantMath.roundAway(-127.0f));
        assertEquals(2, QuantMath.nearestInt(2.5f), "nearest_int ties to even");
        assertEquals(4, QuantMath.nearestInt(3.5f));
        assertEquals(-2, QuantMath.nearestInt(-2.5f));
    }

    @Test
    void iq4LevelSearchTakesTheUpperLevelOnATie() {
        assertEquals(0, IQ4Codecs.bestIndex(-1000f));
        assertEquals(15, IQ4Codecs.bestIndex(1000f));
        assertEquals(8, IQ4Codecs.bestIndex(0f), "0 is nearer to +1 than to -10");
        assertEquals(8, IQ4Codecs.bestIndex(-4.5f), "midpoint of -10 and 1 goes up");
        assertEquals(7, IQ4Codecs.bestIndex(-4.51f));
        assertEquals(12, IQ4Codecs.bestIndex(53f));
    }
}
