package hy.cli;

import static org.junit.jupiter.api.Assertions.*;

import hy.runtime.gguf.GgufFile;
import hy.runtime.tensor.GgmlType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuantizeCommandTest {
    @TempDir
    Path dir;
    Path f32;

    @BeforeEach
    void f32Model() {
        f32 = dir.resolve("f32.gguf");
        assertEquals(0, CliRun.of("synth", f32.toString(), "--shape", "tiny", "--type", "f32", "-t", "1").exit());
    }

    @Test
    void overridesInBothSpellingsFirstMatchWins() throws IOException {
        Path out = dir.resolve("q.gguf");
        CliRun r = CliRun.of("quantize", f32.toString(), out.toString(), "q4_k", "--override-type", "exps=q4_0",
                "--tensor-type", "attn_.*=f16", "--override-type", "attn_q=q5_0", "-t", "2");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("wrote " + out), r.out());
        // Q4_K's 256-blocks do not tile these rows: llama-quantize's fallbacks, reported in one note.
        assertTrue(r.err().contains("fallback used: 4× Q4_K→Q5_0 (rows of 64), 2× Q4_K→Q5_0 (rows of 32)"), r.err());
        try (GgufFile g = GgufFile.open(out)) {
            assertEquals(GgmlType.Q4_0, g.tensorInfo("blk.1.ffn_up_exps.weight").type());
            assertEquals(GgmlType.F16, g.tensorInfo("blk.0.attn_q.weight").type());
            assertEquals(GgmlType.Q5_0, g.tensorInfo("blk.0.ffn_down_shexp.weight").type());
            assertEquals(GgmlType.Q8_0, g.tensorInfo("token_embd.weight").type());
            assertEquals("gpt2", g.getString("tokenizer.ggml.model"), "the tokenizer is copied");
        }
    }

    /** The output named as the input, another spelling of it, or a hard link to it: refused, the input unchanged. */
    @Test
    void anOutputThatIsTheInputIsRefused() throws IOException {
        byte[] before = Files.readAllBytes(f32);
        Path link = Files.createLink(dir.resolve("link.gguf"), f32);
        Files.createDirectories(dir.resolve("sub"));
        for (Path out : new Path[] {f32, dir.resolve("sub/../f32.gguf"), link}) {
            CliRun r = CliRun.of("quantize", f32.toString(), out.toString(), "q8_0");
            assertTrue(r.exit() == 1 && r.oneErrorLine() && r.err().contains("is the input file"), out + ": " + r.err());
        }
        assertArrayEquals(before, Files.readAllBytes(f32));
    }

    @Test
    void badInputsGiveOneErrorLine() throws IOException {
        String out = dir.resolve("o.gguf").toString();
        CliRun missing = CliRun.of("quantize", dir.resolve("none.gguf").toString(), out, "q8_0");
        assertTrue(missing.exit() == 1 && missing.oneErrorLine() && missing.err().contains("file not found"), missing.err());
        CliRun type = CliRun.of("quantize", f32.toString(), out, "q4_k_m");
        assertTrue(type.exit() == 2 && type.oneErrorLine() && type.err().contains("unknown type 'q4_k_m'"), type.err());
        CliRun rule = CliRun.of("quantize", f32.toString(), out, "q8_0", "--override-type", "exps=q6_k");
        assertTrue(rule.exit() == 1 && rule.oneErrorLine() && rule.err().contains("not a multiple of Q6_K's block of 256"), rule.err());
        Path notGguf = dir.resolve("text.gguf");
        Files.writeString(notGguf, "hello");
        CliRun bad = CliRun.of("quantize", notGguf.toString(), out, "q8_0");
        assertTrue(bad.exit() == 1 && bad.oneErrorLine() && bad.err().contains("not a GGUF file"), bad.err());
        assertFalse(Files.exists(Path.of(out)));
    }
}
