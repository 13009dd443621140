package hy.cli;

import static org.junit.jupiter.api.Assertions.*;

import hy.runtime.gguf.GgufFile;
import hy.runtime.tensor.GgmlType;
import hy.runtime.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConvertCommandTest {
    @TempDir
    Path dir;

    @Test
    void convertsTheReferenceCheckpoint() throws IOException {
        Path out = dir.resolve("tiny.gguf");
        CliRun r = CliRun.of("convert", SharedData.path("testdata/hf_tiny").toString(), out.toString(), "--outtype", "f32", "-t", "2");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("wrote " + out + ": 32 tensors"), r.out());
        assertTrue(r.err().contains("no tokenizer (ids only)"), r.err());
        try (GgufFile g = GgufFile.open(out)) {
            assertEquals(GgmlType.F32, g.tensorInfo("blk.1.ffn_down_exps.weight").type());
            assertEquals(32, g.tensorInfos().size());
        }
    }

    @Test
    void badArgumentsGiveOneErrorLine() {
        String hf = SharedData.path("testdata/hf_tiny").toString();
        String out = dir.resolve("x.gguf").toString();
        CliRun badType = CliRun.of("convert", hf, out, "--outtype", "q9_9");
        assertEquals(2, badType.exit());
        assertTrue(badType.oneErrorLine() && badType.err().contains("unknown type 'q9_9'"), badType.err());
        CliRun badRule = CliRun.of("convert", hf, out, "--override-type", "exps(=q8_0");
        assertEquals(2, badRule.exit());
        assertTrue(badRule.oneErrorLine() && badRule.err().contains("bad regex"), badRule.err());
        CliRun noDir = CliRun.of("convert", dir.resolve("missing").toString(), out, "--outtype", "f32");
        assertEquals(1, noDir.exit());
        assertTrue(noDir.oneErrorLine() && noDir.err().contains("config.json"), noDir.err());
        CliRun threads = CliRun.of("convert", hf, out, "--outtype", "f32", "-t", "100000");
        assertEquals(1, threads.exit());
        assertTrue(threads.oneErrorLine() && threads.err().contains("-t 100000") && threads.err().contains("threads"), threads.err());
        assertFalse(Files.exists(Path.of(out)));
    }
}
