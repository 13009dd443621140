package hy.runtime.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hy.runtime.gguf.GgufFile;
import hy.runtime.model.HunyuanConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The committed example file is exactly what its generator writes (regenerate with -Dhy.regenerateExamples=true). */
class ExampleFilesTest {
    @TempDir
    Path dir;

    @Test
    void committedTinyExampleMatchesItsGenerator() throws Exception {
        Path committed = ExampleFiles.projectRoot().resolve(ExampleFiles.TINY);
        if (Boolean.getBoolean("hy.regenerateExamples")) ExampleFiles.tiny().write(committed);
        Path fresh = dir.resolve("tiny.gguf");
        ExampleFiles.tiny().write(fresh);
        assertTrue(Files.exists(committed), committed + " is missing; run this test with -Dhy.regenerateExamples=true");
        assertArrayEquals(Files.readAllBytes(fresh), Files.readAllBytes(committed),
                ExampleFiles.TINY + " differs from ExampleFiles.tiny(); regenerate it with -Dhy.regenerateExamples=true");
        assertTrue(Files.size(committed) < 200 * 1024, "the example should stay small: " + Files.size(committed));
    }

    @Test
    void tinyExampleDescribesItsConfiguration() throws Exception {
        Path p = dir.resolve("tiny.gguf");
        ExampleFiles.tiny().write(p);
        try (GgufFile f = GgufFile.open(p)) {
            HunyuanConfig c = ExampleFiles.TINY_CONFIG;
            // rope.freq_base is stored as f32, as llama.cpp's converter does.
            HunyuanConfig expected = new HunyuanConfig(c.vocabSize(), c.hiddenSize(), c.layers(), c.heads(), c.kvHeads(),
                    c.headDim(), c.experts(), c.expertsUsed(), c.expertFf(), c.sharedFf(), c.rmsEps(),
                    (float) c.ropeBase(), c.contextLength());
            assertEquals(expected, HunyuanConfig.fromGguf(f));
            assertEquals("<|eos|>", f.getArray("tokenizer.ggml.tokens").strings()[f.getInt("tokenizer.ggml.eos_token_id")]);
            assertEquals("\u0120", f.getArray("tokenizer.ggml.tokens").strings()[' ']); // GPT-2's stand-in for a space byte
            assertArrayEquals(new long[] {64, 512}, f.tensorInfo("token_embd.weight").ne());
            assertArrayEquals(new long[] {64, 8}, f.tensorInfo("blk.1.ffn_gate_inp.weight").ne());
        }
    }
}
