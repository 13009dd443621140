package hy.runtime.safetensors;

import static org.junit.jupiter.api.Assertions.*;

import hy.runtime.testing.SafetensorsWriter;
import hy.runtime.testing.SharedData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsFileTest {
    @TempDir
    Path dir;

    @Test
    void readsReferenceCheckpointWithoutCopying() throws IOException {
        Path file = SharedData.path("testdata/hf_tiny/model.safetensors");
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            // 2 + per layer (8 experts × 3 + router + 3 shared + 2 norms + 4 projections + 2 q/k norms)
            assertEquals(2 + 2 * 36, f.tensors().size());
            assertEquals("pt", f.metadata().get("format"));
            SafetensorsTensor router = f.tensor("model.layers.0.mlp.gate.wg.weight");
            assertEquals(SafetensorsDtype.F32, router.dtype());
            assertArrayEquals(new long[] {8, 64}, router.shape());
            assertEquals(64, router.rowLength());
            assertEquals(8, router.rowCount());
            // Independent decoding: the header says this tensor's bytes are 327936..329984 of the data section.
            byte[] all = Files.readAllBytes(file);
            ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
            long dataStart = 8 + b.getLong(0);
            float[] row3 = new float[64];
            router.readFloats(3 * 64, row3, 0, 64);
            for (int i = 0; i < 64; i++) assertEquals(b.getFloat((int) (dataStart + 327936 + (3 * 64 + i) * 4)), row3[i]);
        }
    }

    @Test
    void widensF16AndBf16Exactly() throws IOException {
        Path file = dir.resolve("halves.safetensors");
        // Little-endian bit patterns: f16 1.0, -2.0, 65504 (max), 2^-24 (smallest subnormal); bf16 1.0, -1.5, 2^-133.
        byte[] f16 = {0x00, 0x3C, 0x00, (byte) 0xC0, (byte) 0xFF, 0x7B, 0x01, 0x00};
        byte[] bf16 = {(byte) 0x80, 0x3F, (byte) 0xC0, (byte) 0xBF, 0x01, 0x00};
        new SafetensorsWriter().addRaw("h", "F16", new long[] {2, 2}, f16).addRaw("b", "BF16", new long[] {3}, bf16).write(file);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            float[] h = new float[4];
            f.tensor("h").readFloats(0, h, 0, 4);
            assertArrayEquals(new float[] {1f, -2f, 65504f, 0x1p-24f}, h);
            float[] bf = new float[3];
            f.tensor("b").readFloats(0, bf, 0, 3);
            assertArrayEquals(new float[] {1f, -1.5f, Float.intBitsToFloat(1 << 16)}, bf);
        }
    }

    @Test
    void refusesToReadNonFloatDtypesWithAClearMessage() throws IOException {
        Path file = dir.resolve("ints.safetensors");
        new SafetensorsWriter().addRaw("ids", "I64", new long[] {2}, new byte[16]).write(file);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            var e = assertThrows(SafetensorsFormatException.class, () -> f.tensor("ids").readFloats(0, new float[2], 0, 2));
            assertTrue(e.getMessage().contains("'ids' has dtype I64"), e.getMessage());
            assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        }
    }

    @Test
    void rejectsHostileFilesWithOneMessageNamingFileAndProblem() throws IOException {
        assertRejected(new byte[] {1, 2, 3}, "too short");
        assertRejected(lengthPrefixed(1000, "{}"), "runs past the end of the file");
        assertRejected(lengthPrefixed(-1, "{}"), "header length");
        assertRejected(withHeader("[1,2]", 0), "not a JSON object");
        assertRejected(withHeader("{\"a\": ", 0), "not valid JSON");
        assertRejected(withHeader("{\"a\":{\"dtype\":\"Q9\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "unknown dtype");
        assertRejected(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4), "shape[0] must be a non-negative integer");
        assertRejected(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4), "beyond the data section");
        assertRejected(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8), "needs 12");
        assertRejected(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}", 8), "before begin");
        assertRejected(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", 8), "[begin, end]");
        assertRejected(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,4]}}", 4), "overflows");
        assertRejected(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12), "overlaps");
        assertRejected(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8), "Duplicate field 'a'");
        assertRejected(withHeader("{\"__metadata__\":{\"x\":1}}", 0), "__metadata__ value 'x' is not a string");
    }

    private void assertRejected(byte[] bytes, String expected) throws IOException {
        Path file = dir.resolve("hostile.safetensors");
        Files.write(file, bytes);
        var e = assertThrows(SafetensorsFormatException.class, () -> SafetensorsFile.open(file).close());
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }

    private static byte[] lengthPrefixed(long length, String header) {
        byte[] h = header.getBytes();
        return ByteBuffer.allocate(8 + h.length).order(ByteOrder.LITTLE_ENDIAN).putLong(length).put(h).array();
    }

    private static byte[] withHeader(String header, int dataBytes) {
        byte[] h = header.getBytes();
        return ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h).array();
    }
}
