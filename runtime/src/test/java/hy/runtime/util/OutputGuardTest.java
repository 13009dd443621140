package hy.runtime.util;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputGuardTest {
    @TempDir
    Path dir;

    @Test
    void theInputUnderAnyNameIsRefused() throws IOException {
        Path in = Files.writeString(dir.resolve("model.gguf"), "weights");
        Files.createDirectories(dir.resolve("sub"));
        Path hard = Files.createLink(dir.resolve("hard.gguf"), in);
        Path soft = Files.createSymbolicLink(dir.resolve("soft.gguf"), in);
        for (Path out : new Path[] {in, dir.resolve("sub/../model.gguf"), dir.resolve("./model.gguf"), hard, soft}) {
            var e = assertThrows(IllegalArgumentException.class, () -> OutputGuard.refuseInput(out, in), out.toString());
            assertTrue(e.getMessage().contains("is the input file"), e.getMessage());
        }
        assertEquals("weights", Files.readString(in));
    }

    @Test
    void aFileOfAnInputDirectoryIsRefused() throws IOException {
        Path checkpoint = Files.createDirectories(dir.resolve("hf"));
        Path shard = Files.writeString(checkpoint.resolve("model.safetensors"), "shard");
        assertThrows(IllegalArgumentException.class, () -> OutputGuard.refuseInput(shard, checkpoint));
        assertThrows(IllegalArgumentException.class, () -> OutputGuard.refuseInput(dir.resolve("hf/./model.safetensors"), checkpoint));
    }

    @Test
    void otherOutputsPass() throws IOException {
        Path in = Files.writeString(dir.resolve("a.gguf"), "a");
        Path other = Files.writeString(dir.resolve("b.gguf"), "b");
        OutputGuard.refuseInput(other, in);                      // an existing, different file: replaced later, fine
        OutputGuard.refuseInput(dir.resolve("new.gguf"), in);    // not there yet
        OutputGuard.refuseInput(dir.resolve("new.gguf"), dir);   // a directory input, output not in it yet
    }
}
