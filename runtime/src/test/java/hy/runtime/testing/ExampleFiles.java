package hy.runtime.testing;

import hy.runtime.gguf.GgufValue;
import hy.runtime.gguf.GgufValueType;
import hy.runtime.gguf.GgufWriter;
import hy.runtime.model.HunyuanConfig;
import hy.runtime.model.TensorNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Generates {@code examples/tiny.gguf}, the file the README's first command inspects ({@code ./hy info
 * examples/tiny.gguf}): Hunyuan-shaped metadata for a tiny configuration, a 512-entry token list, and a few F32
 * tensors under llama.cpp's names with deterministic pseudo-random values. It holds no complete model (the attention
 * and expert weights are left out to keep the file small); it is only something real to look at.
 *
 * <p>A test compares the committed file with what {@link #tiny()} writes, so the two cannot drift apart;
 * {@code main} (or that test with {@code -Dhy.regenerateExamples=true}) rewrites it.
 */
public final class ExampleFiles {
    private ExampleFiles() {}

    public static final String TINY = "examples/tiny.gguf";

    /** hidden 64, 2 layers, 4 heads of 16 (2 KV heads), 8 experts (top 2) of width 32, vocabulary 512. */
    public static final HunyuanConfig TINY_CONFIG = new HunyuanConfig(512, 64, 2, 4, 2, 16, 8, 2, 32, 32, 1e-5f,
            HunyuanConfig.ropeBase(10000.0, 1000.0, 16), 4096);

    /** The tokens of the example vocabulary: the 256 byte tokens, 250 made-up merges, Hunyuan's special tokens. */
    static String[] tokens() {
        String[] t = new String[TINY_CONFIG.vocabSize()];
        for (int b = 0; b < 256; b++) t[b] = byteToken(b);
        String[] specials = {"<|startoftext|>", "<|extra_4|>", "<|bos|>", "<|eos|>", "<|pad|>", "<|extra_0|>"};
        int firstSpecial = t.length - specials.length;
        String letters = "etaoinshrdlucmfw";
        for (int i = 256; i < firstSpecial; i++) {
            int k = i - 256;
            t[i] = (k % 3 == 0 ? "\u0120" : "") + letters.charAt(k % 16) + letters.charAt((k / 16) % 16);
        }
        System.arraycopy(specials, 0, t, firstSpecial, specials.length);
        return t;
    }

    /** GPT-2's byte-level alphabet: printable bytes stand for themselves, the rest map to U+0100 upwards. */
    private static String byteToken(int b) {
        boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
        if (printable) return String.valueOf((char) b);
        int n = 0;
        for (int x = 0; x < b; x++) {
            if (!((x >= '!' && x <= '~') || (x >= 0xA1 && x <= 0xAC) || (x >= 0xAE && x <= 0xFF))) n++;
        }
        return String.valueOf((char) (256 + n));
    }

    /** The example file's complete content. */
    public static GgufWriter tiny() {
        HunyuanConfig c = TINY_CONFIG;
        GgufWriter w = new GgufWriter();
        c.writeGguf(w);
        w.put("general.name", GgufValue.string("hy tiny example (metadata and a few weights only)"));
        w.put("general.file_type", GgufValue.u32(0)); // llama_ftype ALL_F32
        w.put("tokenizer.ggml.model", GgufValue.string("gpt2"));
        w.put("tokenizer.ggml.pre", GgufValue.string("hunyuan"));
        String[] tokens = tokens();
        w.put("tokenizer.ggml.tokens", GgufValue.strings(tokens));
        int[] types = new int[tokens.length];
        for (int i = 0; i < types.length; i++) types[i] = i < tokens.length - 6 ? 1 : 3; // normal, then control
        w.put("tokenizer.ggml.token_type", GgufValue.array(GgufValueType.INT32, types));
        w.put("tokenizer.ggml.bos_token_id", GgufValue.u32(tokens.length - 4));
        w.put("tokenizer.ggml.eos_token_id", GgufValue.u32(tokens.length - 3));
        w.put("tokenizer.ggml.padding_token_id", GgufValue.u32(tokens.length - 2));

        // java.util.Random's sequence is specified by its documentation, so the bytes are the same on every JDK.
        Random r = new Random(20250101L);
        long h = c.hiddenSize();
        w.addF32(TensorNames.TOKEN_EMBD, new long[] {h, c.vocabSize()}, uniform(r, h * c.vocabSize(), 0f, 0.05f));
        w.addF32(TensorNames.OUTPUT_NORM, new long[] {h}, uniform(r, h, 1f, 0.1f));
        for (int l = 0; l < c.layers(); l++) {
            w.addF32(TensorNames.attnNorm(l), new long[] {h}, uniform(r, h, 1f, 0.1f));
            w.addF32(TensorNames.attnQNorm(l), new long[] {c.headDim()}, uniform(r, c.headDim(), 1f, 0.1f));
            w.addF32(TensorNames.attnKNorm(l), new long[] {c.headDim()}, uniform(r, c.headDim(), 1f, 0.1f));
            w.addF32(TensorNames.ffnNorm(l), new long[] {h}, uniform(r, h, 1f, 0.1f));
            w.addF32(TensorNames.ffnGateInp(l), new long[] {h, c.experts()}, uniform(r, h * c.experts(), 0f, 0.1f));
        }
        return w;
    }

    /** {@code n} values uniform in [center − spread, center + spread). */
    private static float[] uniform(Random r, long n, float center, float spread) {
        float[] v = new float[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) v[i] = center + spread * (2 * r.nextFloat() - 1);
        return v;
    }

    /** The project root (the folder holding {@code examples/}), found from the working directory. */
    public static Path projectRoot() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("examples")) && Files.exists(d.resolve("pom.xml"))) return d;
        }
        throw new IllegalStateException("no examples/ folder above " + dir);
    }

    /** Rewrites the example file: {@code ExampleFiles [PATH]} (default examples/tiny.gguf under the project root). */
    public static void main(String[] args) throws IOException {
        Path out = args.length > 0 ? Path.of(args[0]) : projectRoot().resolve(TINY);
        tiny().write(out);
        System.out.println("wrote " + out + " (" + Files.size(out) + " bytes)");
    }
}
