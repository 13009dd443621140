package hy.runtime.convert;

import static org.junit.jupiter.api.Assertions.*;

import hy.runtime.gguf.GgufFile;
import hy.runtime.gguf.GgufTensorInfo;
import hy.runtime.model.HunyuanConfig;
import hy.runtime.quant.QuantCodecs;
import hy.runtime.safetensors.SafetensorsFile;
import hy.runtime.safetensors.SafetensorsTensor;
import hy.runtime.tensor.GgmlType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HfToGgufTest {
    @TempDir
    Path dir;

    static Path convert(Path hf, Path out, GgmlType type) throws IOException {
        HfToGguf.convert(hf, out, new HfToGguf.Options(TypePlan.of(type), 2, null), ProgressListener.NONE);
        return out;
    }

    /** The reference checkpoint's values for one GGUF tensor, by llama.cpp's naming written out here independently. */
    static float[] expected(Map<String, SafetensorsTensor> hf, String gguf) {
        if (gguf.equals("token_embd.weight")) return HfTinyCopies.floats(hf.get("model.embed_tokens.weight"));
        if (gguf.equals("output_norm.weight")) return HfTinyCopies.floats(hf.get("model.norm.weight"));
        String[] parts = gguf.split("\\.");
        String p = "model.layers." + parts[1] + ".";
        String suffix = switch (parts[2]) {
            case "attn_norm" -> "input_layernorm";
            case "attn_q" -> "self_attn.q_proj";
            case "attn_k" -> "self_attn.k_proj";
            case "attn_v" -> "self_attn.v_proj";
            case "attn_output" -> "self_attn.o_proj";
            case "attn_q_norm" -> "self_attn.query_layernorm";
            case "attn_k_norm" -> "self_attn.key_layernorm";
            case "ffn_norm" -> "post_attention_layernorm";
            case "ffn_gate_inp" -> "mlp.gate.wg";
            case "ffn_gate_shexp" -> "mlp.shared_mlp.gate_proj";
            case "ffn_up_shexp" -> "mlp.shared_mlp.up_proj";
            case "ffn_down_shexp" -> "mlp.shared_mlp.down_proj";
            case "ffn_gate_exps", "ffn_up_exps", "ffn_down_exps" -> null;
            default -> throw new AssertionError(gguf);
        };
        if (suffix != null) return HfTinyCopies.floats(hf.get(p + suffix + ".weight"));
        String proj = parts[2].substring(4, parts[2].indexOf("_exps")) + "_proj";
        List<float[]> experts = new ArrayList<>();
        for (int e = 0; hf.containsKey(p + "mlp.experts." + e + "." + proj + ".weight"); e++) {
            experts.add(HfTinyCopies.floats(hf.get(p + "mlp.experts." + e + "." + proj + ".weight")));
        }
        float[] all = new float[experts.size() * experts.getFirst().length];
        for (int e = 0; e < experts.size(); e++) System.arraycopy(experts.get(e), 0, all, e * experts.getFirst().length, experts.getFirst().length);
        return all;
    }

    @Test
    void f32ConversionKeepsEveryValueAndShape() throws IOException {
        Path out = convert(HfTinyCopies.original(), dir.resolve("tiny.gguf"), GgmlType.F32);
        try (GgufFile g = GgufFile.open(out);
             SafetensorsFile hf = SafetensorsFile.open(HfTinyCopies.original().resolve("model.safetensors"))) {
            assertEquals(1 + 2 * 15 + 1, g.tensorInfos().size());
            assertFalse(g.hasTensor("output.weight"), "tied output must not be written");
            for (GgufTensorInfo info : g.tensorInfos()) {
                assertEquals(GgmlType.F32, info.type(), info.name());
                float[] want = expected(hf.tensors(), info.name());
                assertArrayEquals(want, QuantCodecs.dequantizeAll(g.view(info)), info.name());
            }
            // PyTorch [out, in] becomes ggml {in, out}; experts stack in ne[2].
            assertArrayEquals(new long[] {64, 512}, g.tensorInfo("token_embd.weight").ne());
            assertArrayEquals(new long[] {64, 32}, g.tensorInfo("blk.0.attn_k.weight").ne());
            assertArrayEquals(new long[] {64, 8}, g.tensorInfo("blk.1.ffn_gate_inp.weight").ne());
            assertArrayEquals(new long[] {64, 32, 8}, g.tensorInfo("blk.0.ffn_up_exps.weight").ne());
            assertArrayEquals(new long[] {32, 64, 8}, g.tensorInfo("blk.0.ffn_down_exps.weight").ne());
            assertArrayEquals(new long[] {16}, g.tensorInfo("blk.0.attn_q_norm.weight").ne());
        }
    }

    @Test
    void metadataMatchesConfigAndLlamaCppConventions() throws IOException {
        Path out = convert(HfTinyCopies.original(), dir.resolve("tiny.gguf"), GgmlType.F32);
        try (GgufFile g = GgufFile.open(out)) {
            HunyuanConfig c = HunyuanConfig.fromGguf(g);
            // GGUF stores the RoPE base as f32.
            assertEquals(withF32Rope(HfConfig.read(HfTinyCopies.original()).config()), c);
            assertEquals(withF32Rope(new HunyuanConfig(512, 64, 2, 4, 2, 16, 8, 2, 32, 32, 1e-5f,
                    HunyuanConfig.ropeBase(10000, 1000, 16), 262144)), c);
            assertEquals((float) (10000 * Math.pow(1000, 16.0 / 14.0)), (float) g.getDouble("hunyuan-moe.rope.freq_base"));
            assertEquals("none", g.getString("hunyuan-moe.rope.scaling.type"));
            assertEquals(262144, g.getInt("hunyuan-moe.rope.scaling.original_context_length"));
            assertEquals(1, g.getInt("hunyuan-moe.expert_shared_count"));
            assertEquals("hunyuan-moe", g.getString("general.architecture"));
            assertEquals("hf_tiny", g.getString("general.name"));
            assertEquals(0, g.getInt("general.file_type"), "ALL_F32");
            assertEquals(2, g.getInt("general.quantization_version"));
            assertFalse(g.has("tokenizer.ggml.model"), "a directory without tokenizer files converts to an ids-only model");
        }
    }

    /** Every weight in {@code type}, norms and router F32, each value equal to {@code rounded} of the reference. */
    private void assertConvertedAs(Path hfDir, GgmlType type, int fileType, java.util.function.BiPredicate<float[], float[]> close)
            throws IOException {
        Path out = convert(hfDir, dir.resolve(type + ".gguf"), type);
        try (GgufFile g = GgufFile.open(out);
             SafetensorsFile hf = SafetensorsFile.open(HfTinyCopies.original().resolve("model.safetensors"))) {
            assertEquals(fileType, g.getInt("general.file_type"));
            for (GgufTensorInfo info : g.tensorInfos()) {
                boolean keepF32 = info.ne().length == 1 || info.name().contains("ffn_gate_inp");
                assertEquals(keepF32 ? GgmlType.F32 : type, info.type(), info.name());
                float[] want = expected(hf.tensors(), info.name());
                float[] got = QuantCodecs.dequantizeAll(g.view(info));
                if (keepF32) assertArrayEquals(want, got, info.name());
                else assertTrue(close.test(want, got), info.name());
            }
        }
    }

    private static boolean eachEquals(float[] want, float[] got, java.util.function.UnaryOperator<Float> round) {
        for (int i = 0; i < want.length; i++) if (round.apply(want[i]).floatValue() != got[i]) return false;
        return true;
    }

    @Test
    void f16RoundsEachWeightToNearest() throws IOException {
        assertConvertedAs(HfTinyCopies.original(), GgmlType.F16, 1,
                (want, got) -> eachEquals(want, got, x -> Float.float16ToFloat(Float.floatToFloat16(x))));
    }

    @Test
    void bf16RoundsEachWeightToNearestEven() throws IOException {
        assertConvertedAs(HfTinyCopies.original(), GgmlType.BF16, 32, (want, got) -> eachEquals(want, got, x -> {
            int bits = Float.floatToRawIntBits(x);
            return Float.intBitsToFloat((bits + 0x7FFF + ((bits >>> 16) & 1)) & 0xFFFF0000);
        }));
    }

    @Test
    void q8_0StaysWithinHalfAStepPerBlock() throws IOException {
        assertConvertedAs(HfTinyCopies.original(), GgmlType.Q8_0, 7, (want, got) -> {
            for (int b = 0; b < want.length; b += 32) {
                float amax = 0;
                for (int i = b; i < b + 32; i++) amax = Math.max(amax, Math.abs(want[i]));
                float step = amax / 127;
                // Half a step from rounding, plus the f16 rounding of the scale times |q| ≤ 127.
                for (int i = b; i < b + 32; i++) if (Math.abs(want[i] - got[i]) > 0.6f * step) return false;
            }
            return true;
        });
    }

    @Test
    void bf16CheckpointConvertsToBf16Losslessly() throws IOException {
        Path bf16Dir = HfTinyCopies.withDtype(dir.resolve("hf_bf16"), "BF16", (name, shape) -> shape.length == 2 && !name.contains("mlp.gate."));
        Path out = convert(bf16Dir, dir.resolve("bf16.gguf"), GgmlType.BF16);
        try (GgufFile g = GgufFile.open(out); SafetensorsFile hf = SafetensorsFile.open(bf16Dir.resolve("model.safetensors"))) {
            for (GgufTensorInfo info : g.tensorInfos()) {
                assertArrayEquals(expected(hf.tensors(), info.name()), QuantCodecs.dequantizeAll(g.view(info)), info.name());
            }
        }
    }

    @Test
    void tokenizerFilesBecomeTokenizerKeys() throws IOException {
        Path hf = dir.resolve("hf_tiny_tok");
        Files.createDirectories(hf);
        for (String f : new String[] {"config.json", "model.safetensors"}) Files.copy(HfTinyCopies.original().resolve(f), hf.resolve(f));
        // The 302 lowest ranks of hy.tiktoken + 210 specials fill hf_tiny's vocabulary of 512.
        List<String> ranks = Files.readAllLines(hy.runtime.testing.SharedData.path("hunyuan/hy.tiktoken")).subList(0, 302);
        Files.write(hf.resolve("hy.tiktoken"), ranks);
        Path config = hy.runtime.testing.SharedData.path("hunyuan/tokenizer_config.json");
        Files.copy(config, hf.resolve("tokenizer_config.json"));
        HfToGguf.Result r = HfToGguf.convert(hf, dir.resolve("tok.gguf"), new HfToGguf.Options(TypePlan.of(GgmlType.F32), 1, null), ProgressListener.NONE);
        assertTrue(r.hasVocabulary());
        try (GgufFile g = GgufFile.open(dir.resolve("tok.gguf"))) {
            assertEquals("gpt2", g.getString("tokenizer.ggml.model"));
            assertEquals("hunyuan", g.getString("tokenizer.ggml.pre"));
            assertEquals(512, g.getArray("tokenizer.ggml.tokens").length());
            assertEquals(302 + 2, g.getInt("tokenizer.ggml.bos_token_id"), "<|bos|>, as llama.cpp's converter forces");
            assertEquals(302 + 3, g.getInt("tokenizer.ggml.eos_token_id"));
            assertFalse(g.has("tokenizer.ggml.add_bos_token"));
            String template = new com.fasterxml.jackson.databind.ObjectMapper().readTree(config.toFile()).get("chat_template").asText();
            assertEquals(template, g.getString("tokenizer.chat_template"));
            hy.runtime.tokenizer.Tokenizer tok = hy.runtime.tokenizer.TokenizerGguf.read(g);
            // Ids as in hy.tiktoken: " the" is rank 279, "ing" 287, and <|extra_0|> the sixth special.
            assertArrayEquals(new int[] {279, 287, 302 + 5}, tok.encode(" theing<|extra_0|>", true));
        }
    }

    @Test
    void tokenizerLargerThanTheVocabularyIsRejected() throws IOException {
        Path hf = dir.resolve("hf_tiny_bigtok");
        Files.createDirectories(hf);
        for (String f : new String[] {"config.json", "model.safetensors"}) Files.copy(HfTinyCopies.original().resolve(f), hf.resolve(f));
        Files.copy(hy.runtime.testing.SharedData.path("hunyuan/hy.tiktoken"), hf.resolve("hy.tiktoken"));
        var e = assertThrows(IllegalArgumentException.class, () -> convert(hf, dir.resolve("x.gguf"), GgmlType.F32));
        assertTrue(e.getMessage().contains("128167 tokens with the specials, more than config.json's vocab_size 512"), e.getMessage());
    }

    static HunyuanConfig withF32Rope(HunyuanConfig c) {
        return new HunyuanConfig(c.vocabSize(), c.hiddenSize(), c.layers(), c.heads(), c.kvHeads(), c.headDim(), c.experts(),
                c.expertsUsed(), c.expertFf(), c.sharedFf(), c.rmsEps(), (float) c.ropeBase(), c.contextLength());
    }

    @Test
    void shardedCheckpointConvertsToTheSameBytes() throws IOException {
        Path single = convert(HfTinyCopies.original(), dir.resolve("single.gguf"), GgmlType.F32);
        Path shardedDir = HfTinyCopies.sharded(dir.resolve("hf_tiny"));
        Path sharded = convert(shardedDir, dir.resolve("sharded.gguf"), GgmlType.F32);
        assertArrayEquals(Files.readAllBytes(single), Files.readAllBytes(sharded));
    }

    @Test
    void fusedExpertsConvertToTheSameBytes() throws IOException {
        Path perExpert = convert(HfTinyCopies.original(), dir.resolve("a.gguf"), GgmlType.F32);
        Path fused = convert(HfTinyCopies.fused(dir.resolve("hf_tiny"), 8), dir.resolve("b.gguf"), GgmlType.F32);
        assertArrayEquals(Files.readAllBytes(perExpert), Files.readAllBytes(fused));
    }

    @Test
    void checkpointNotMatchingConfigIsRejected() throws IOException {
        Path bad = dir.resolve("hf_tiny");
        Files.createDirectories(bad);
        Files.writeString(bad.resolve("config.json"), Files.readString(HfTinyCopies.original().resolve("config.json"))
                .replace("\"intermediate_size\": 32", "\"intermediate_size\": 48"));
        Files.copy(HfTinyCopies.original().resolve("model.safetensors"), bad.resolve("model.safetensors"));
        var e = assertThrows(IllegalArgumentException.class, () -> convert(bad, dir.resolve("x.gguf"), GgmlType.F32));
        assertTrue(e.getMessage().contains("'model.layers.0.mlp.shared_mlp.gate_proj.weight' has shape [32, 64] but config.json implies [48, 64]"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("x.gguf")));
    }
}
