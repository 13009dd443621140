package hy.runtime.model;

import static org.junit.jupiter.api.Assertions.*;

import hy.runtime.gguf.GgufFile;
import hy.runtime.gguf.GgufValue;
import hy.runtime.gguf.GgufWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Broken hunyuan-moe metadata: one clear error naming the key and its value, never a division by zero or NaN. */
class HunyuanConfigValidationTest {
    static final HunyuanConfig GOOD = new HunyuanConfig(300, 64, 2, 4, 2, 16, 8, 2, 32, 32, 1e-5f, 1e4, 4096);

    @TempDir
    Path dir;

    static Stream<Arguments> broken() {
        return Stream.of(
                Arguments.of("rope.freq_base", GgufValue.f32(Float.NaN), "rope.freq_base = NaN"),
                Arguments.of("rope.freq_base", GgufValue.f32(Float.POSITIVE_INFINITY), "rope.freq_base = Infinity"),
                Arguments.of("rope.freq_base", GgufValue.f32(-5), "rope.freq_base = -5.0"),
                Arguments.of("rope.freq_base", GgufValue.f32(0), "rope.freq_base = 0.0"),
                Arguments.of("attention.layer_norm_rms_epsilon", GgufValue.f32(Float.NaN), "layer_norm_rms_epsilon = NaN"),
                Arguments.of("attention.layer_norm_rms_epsilon", GgufValue.f32(-1e-5f), "layer_norm_rms_epsilon = -1.0E-5"),
                Arguments.of("context_length", GgufValue.u32(0), "context_length = 0"),
                Arguments.of("attention.head_count", GgufValue.u32(0), "attention.head_count = 0"),
                Arguments.of("attention.head_count", GgufValue.u32(1 << 30), "attention.head_count = 1073741824"),
                Arguments.of("attention.head_count_kv", GgufValue.u32(3), "head_count_kv = 3"),
                Arguments.of("embedding_length", GgufValue.u32(0), "embedding_length = 0"),
                Arguments.of("block_count", GgufValue.u32(Integer.MAX_VALUE), "block_count = 2147483647"),
                Arguments.of("expert_count", GgufValue.u32(0), "expert_count = 0"),
                Arguments.of("expert_used_count", GgufValue.u32(9), "expert_used_count = 9"),
                Arguments.of("expert_feed_forward_length", GgufValue.u32(0), "expert_feed_forward_length = 0"),
                Arguments.of("attention.key_length", GgufValue.u32(15), "key_length = 15"),
                Arguments.of("rope.scaling.type", GgufValue.string("yarn"), "rope.scaling.type = 'yarn'"));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("broken")
    void brokenMetadataNamesKeyAndValue(String key, GgufValue value, String expected) throws IOException {
        GgufWriter w = new GgufWriter();
        GOOD.writeGguf(w);
        w.put("hunyuan-moe." + key, value);
        if (key.equals("attention.key_length")) w.put("hunyuan-moe.rope.dimension_count", value);
        Path file = dir.resolve("broken.gguf");
        w.write(file);
        try (GgufFile f = GgufFile.open(file)) {
            var e = assertThrows(IllegalArgumentException.class, () -> HunyuanConfig.fromGguf(f));
            assertTrue(e.getMessage().contains(expected) && e.getMessage().contains("hunyuan-moe."), e.getMessage());
            assertTrue(e.getMessage().startsWith(f.label()), "names the file: " + e.getMessage());
        }
    }

    @Test
    void theGoodConfigRoundTrips() throws IOException {
        GgufWriter w = new GgufWriter();
        GOOD.writeGguf(w);
        Path file = dir.resolve("good.gguf");
        w.write(file);
        try (GgufFile f = GgufFile.open(file)) {
            HunyuanConfig c = HunyuanConfig.fromGguf(f);
            assertEquals(GOOD.withContextLength(4096), c.withContextLength(4096));
        }
        assertEquals(262144, HunyuanConfig.A13B.contextLength(), "the A13B constants pass the same checks");
    }
}
