package hy.runtime.safetensors;

import static org.junit.jupiter.api.Assertions.*;

import hy.runtime.testing.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsCheckpointTest {
    @TempDir
    Path dir;

    private void twoShards() throws IOException {
        new SafetensorsWriter().add("a", "F32", new long[] {2}, new float[] {1, 2}).write(dir.resolve("s1.safetensors"));
        new SafetensorsWriter().add("b", "BF16", new long[] {1, 2}, new float[] {3, -4}).write(dir.resolve("s2.safetensors"));
    }

    @Test
    void findsTensorsAcrossShards() throws IOException {
        twoShards();
        Files.writeString(dir.resolve(SafetensorsCheckpoint.INDEX_FILE),
                "{\"metadata\":{},\"weight_map\":{\"a\":\"s1.safetensors\",\"b\":\"s2.safetensors\"}}");
        try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(dir)) {
            assertEquals(2, c.fileCount());
            float[] b = new float[2];
            c.tensor("b").readFloats(0, b, 0, 2);
            assertArrayEquals(new float[] {3, -4}, b);
            assertEquals("a", c.tensors().keySet().iterator().next());
        }
    }

    @Test
    void rejectsIndexesThatLieOrEscapeTheDirectory() throws IOException {
        twoShards();
        assertIndexRejected("{\"weight_map\":{\"a\":\"s2.safetensors\"}}", "mapped to s2.safetensors but that file has no such tensor");
        assertIndexRejected("{\"weight_map\":{\"a\":\"../s1.safetensors\"}}", "not a file name in the model directory");
        assertIndexRejected("{\"weight_map\":{}}", "missing or empty \"weight_map\"");
        assertIndexRejected("{\"weight_map\":", "not valid JSON");
    }

    private void assertIndexRejected(String index, String expected) throws IOException {
        Files.writeString(dir.resolve(SafetensorsCheckpoint.INDEX_FILE), index);
        var e = assertThrows(SafetensorsFormatException.class, () -> SafetensorsCheckpoint.open(dir).close());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void missingShardIsNamed() throws IOException {
        Files.writeString(dir.resolve(SafetensorsCheckpoint.INDEX_FILE), "{\"weight_map\":{\"a\":\"gone.safetensors\"}}");
        var e = assertThrows(java.nio.file.NoSuchFileException.class, () -> SafetensorsCheckpoint.open(dir));
        assertTrue(e.getFile().endsWith("gone.safetensors"));
    }

    @Test
    void directoryWithoutWeightsSaysWhatIsExpected() {
        var e = assertThrows(IOException.class, () -> SafetensorsCheckpoint.open(dir));
        assertTrue(e.getMessage().contains("no model.safetensors or model.safetensors.index.json"), e.getMessage());
    }
}
