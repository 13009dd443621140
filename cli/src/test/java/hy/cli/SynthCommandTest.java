package hy.cli;

import static org.junit.jupiter.api.Assertions.*;

import hy.runtime.gguf.GgufFile;
import hy.runtime.tensor.GgmlType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SynthCommandTest {
    @TempDir
    Path dir;

    @Test
    void writesTheSameTinyModelTwiceFromOneSeed() throws IOException {
        Path a = dir.resolve("a.gguf"), b = dir.resolve("b.gguf");
        for (Path p : new Path[] {a, b}) {
            CliRun r = CliRun.of("synth", p.toString(), "--shape", "tiny", "--type", "q8_0", "--experts-type", "q4_0", "--seed", "3", "-t", "2");
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().startsWith("wrote " + p + ": 32 tensors"), r.out());
        }
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        try (GgufFile g = GgufFile.open(a)) {
            assertEquals(GgmlType.Q4_0, g.tensorInfo("blk.0.ffn_gate_exps.weight").type());
            assertEquals(GgmlType.Q8_0, g.tensorInfo("blk.0.attn_output.weight").type());
            assertEquals("gpt2", g.getString("tokenizer.ggml.model"), "byte-level vocabulary by default");
        }
    }

    @Test
    void everyDimensionHasAFlag() throws IOException {
        Path out = dir.resolve("custom.gguf");
        CliRun r = CliRun.of("synth", out.toString(), "--shape", "tiny", "--layers", "3", "--hidden", "96", "--heads", "6",
                "--kv-heads", "3", "--head-dim", "16", "--experts", "4", "--experts-used", "3", "--ff", "64", "--shared-ff", "32",
                "--vocab-size", "600", "--ctx", "1024", "--type", "f16", "--vocab", "none");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("ids only"), r.err());
        try (GgufFile g = GgufFile.open(out)) {
            var c = hy.runtime.model.HunyuanConfig.fromGguf(g);
            assertEquals(new hy.runtime.model.HunyuanConfig(600, 96, 3, 6, 3, 16, 4, 3, 64, 32, 1e-5f,
                    (float) hy.runtime.model.HunyuanConfig.ropeBase(1e4, 1e3, 16), 1024), c);
            assertFalse(g.has("tokenizer.ggml.model"));
            assertArrayEquals(new long[] {32, 96}, g.tensorInfo("blk.2.ffn_down_shexp.weight").ne());
        }
    }

    @Test
    void dryRunSizesTheRealModelWithoutWriting() {
        Path out = dir.resolve("a13b.gguf");
        CliRun r = CliRun.of("synth", out.toString(), "--dry-run");
        assertEquals(0, r.exit(), r.err());
        assertEquals(1 + 482 + 1, r.out().lines().count(), "config, one line per tensor, total");
        assertTrue(r.out().contains("token_embd.weight                Q6_K"), r.out());
        assertTrue(r.out().strip().endsWith("total 42.3 GiB of tensor data"), r.out());
        assertFalse(Files.exists(out));
    }

    @Test
    void badFlagsGiveOneErrorLine() {
        String out = dir.resolve("x.gguf").toString();
        CliRun shape = CliRun.of("synth", out, "--shape", "huge");
        assertTrue(shape.exit() != 0 && shape.oneErrorLine() && shape.err().contains("unknown shape 'huge'"), shape.err());
        CliRun type = CliRun.of("synth", out, "--shape", "tiny", "--type", "q9");
        assertTrue(type.exit() == 2 && type.oneErrorLine(), type.err());
        CliRun layers = CliRun.of("synth", out, "--shape", "tiny", "--layers", "0");
        assertTrue(layers.exit() == 1 && layers.oneErrorLine() && layers.err().contains("block_count = 0: must be 1..1024"), layers.err());
        CliRun vocab = CliRun.of("synth", out, "--shape", "tiny", "--vocab-size", "300");
        assertTrue(vocab.exit() == 1 && vocab.oneErrorLine() && vocab.err().contains("needs at least 466"), vocab.err());
        CliRun file = CliRun.of("synth", out, "--shape", "tiny", "--vocab", dir.resolve("missing.tiktoken").toString());
        assertTrue(file.exit() == 1 && file.oneErrorLine() && file.err().contains("file not found"), file.err());
        CliRun rule = CliRun.of("synth", out, "--shape", "tiny", "--override-type", "attn=q4_k");
        assertTrue(rule.exit() == 1 && rule.oneErrorLine() && rule.err().contains("not a multiple of Q4_K's block of 256"), rule.err());
        assertFalse(Files.exists(Path.of(out)));
    }
}
