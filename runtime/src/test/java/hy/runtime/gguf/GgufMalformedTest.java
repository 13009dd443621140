package hy.runtime.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hy.runtime.tensor.GgmlType;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each kind of broken or hostile header ends in one {@link GgufFormatException} that says what and where. */
class GgufMalformedTest {
    private static final int F32 = GgmlType.F32.id;

    /** Asserts that reading fails and that the message names the problem and a byte offset. */
    private static GgufFormatException rejects(byte[] bytes, String... fragments) {
        GgufFormatException e = assertThrows(GgufFormatException.class,
                () -> GgufFile.read(MemorySegment.ofArray(bytes), "test").close());
        String msg = e.getMessage();
        assertTrue(msg.startsWith("test: "), msg);
        for (String f : fragments) assertTrue(msg.contains(f), "'" + f + "' missing in: " + msg);
        return e;
    }

    /** A valid file with one KV and one F32 tensor of 4 values; {@code kvs} appends further KVs (count given). */
    private static byte[] file(int extraKvs, Consumer<GgufBytes> kvs) {
        GgufBytes b = GgufBytes.header(3, 1, 1 + extraKvs);
        b.kv("general.architecture", GgufValueType.STRING).str("m");
        kvs.accept(b);
        b.tensor("w", F32, 0, 4);
        return b.pad(32).zeros(16).bytes();
    }

    private static byte[] withKv(Consumer<GgufBytes> kv) {
        return file(1, kv);
    }

    /** One KV-free header with the given tensor entries and {@code dataBytes} of data. */
    private static byte[] tensors(int dataBytes, Consumer<GgufBytes> entries, int count) {
        GgufBytes b = GgufBytes.header(3, count, 0);
        entries.accept(b);
        return b.pad(32).zeros(dataBytes).bytes();
    }

    @Test
    void theBaseFileIsValid() {
        try (GgufFile f = GgufFile.read(MemorySegment.ofArray(file(0, b -> {})), "test")) {
            assertEquals(1, f.tensorInfos().size());
        }
    }

    @Test
    void magicAndVersion() {
        byte[] ok = file(0, b -> {});
        byte[] ggml = ok.clone();
        ggml[2] = 'M';
        ggml[3] = 'L';
        rejects(ggml, "magic at byte 0", "not a GGUF file", "'GGML'");
        rejects(new byte[0], "magic at byte 0", "only 0 bytes");
        rejects("GG".getBytes(), "magic at byte 0", "only 2 bytes");
        rejects(Arrays.copyOf(ok, 6), "version at byte 4", "truncated");
        rejects(GgufBytes.header(1, 0, 0).bytes(), "version at byte 4", "v1 is not supported");
        rejects(GgufBytes.header(4, 0, 0).bytes(), "version at byte 4", "unsupported GGUF version 4");
        rejects(GgufBytes.header(0x03000000, 0, 0).bytes(), "version at byte 4", "big-endian");
        rejects(GgufBytes.header(-1, 0, 0).bytes(), "unsupported GGUF version 4294967295");
    }

    @Test
    void absurdCounts() {
        rejects(GgufBytes.header(3, -1, 0).bytes(), "tensor count at byte 8", "18446744073709551615", "absurd");
        rejects(GgufBytes.header(3, 1000, 0).zeros(100).bytes(), "tensor count at byte 8", "needs at least 24000 bytes");
        rejects(GgufBytes.header(3, 0, 1L << 40).bytes(), "metadata KV count at byte 16", "absurd");
        rejects(GgufBytes.header(3, 0, 3).zeros(20).bytes(), "metadata KV count at byte 16", "needs at least 39");
    }

    @Test
    void stringsThatRunPastTheEnd() {
        rejects(GgufBytes.header(3, 0, 1).u64(1000).raw("abc".getBytes()).zeros(10).bytes(),
                "metadata key #0 at byte 24", "string length 1000 runs past the end");
        rejects(GgufBytes.header(3, 0, 1).u64(-2).zeros(8).bytes(), "string length 18446744073709551614");
        rejects(withKv(b -> b.kv("s", GgufValueType.STRING).u64(1L << 62)), "metadata 's' at byte", "runs past the end");
        rejects(withKv(b -> b.kv("a", GgufValueType.ARRAY).u32(GgufValueType.STRING.id).u64(2).str("x").u64(500)),
                "metadata 'a'[1] at byte", "runs past the end");
    }

    @Test
    void badValues() {
        rejects(file(1, b -> b.str("k").u32(13).u8(0)), "metadata 'k' type at byte", "unknown metadata value type 13");
        rejects(withKv(b -> b.kv("k", GgufValueType.BOOL).u8(2)), "metadata 'k' at byte", "bool must be 0 or 1, got 2");
        byte[] badUtf8 = withKv(b -> b.kv("k", GgufValueType.STRING).u64(2).raw((byte) 0xC3, (byte) 0x28));
        rejects(badUtf8, "metadata 'k' at byte", "not valid UTF-8");
        rejects(file(1, b -> b.kv("general.architecture", GgufValueType.STRING).str("again")), "duplicate key");
    }

    @Test
    void badArrays() {
        rejects(withKv(b -> b.kv("a", GgufValueType.ARRAY).u32(99).u64(0)), "metadata 'a' element type at byte", "unknown metadata value type 99");
        rejects(withKv(b -> b.kv("a", GgufValueType.ARRAY).u32(GgufValueType.UINT8.id).u64(1_000_000_000)),
                "metadata 'a' array length at byte", "needs at least 1000000000 bytes");
        rejects(withKv(b -> b.kv("a", GgufValueType.ARRAY).u32(GgufValueType.UINT64.id).u64(1L << 40)), "absurd");
        rejects(withKv(b -> b.kv("a", GgufValueType.ARRAY).u32(GgufValueType.ARRAY.id).u64(2)
                .u32(GgufValueType.INT32.id).u64(1).u32(5)
                .u32(GgufValueType.INT32.id).u64(1 << 20)), "metadata 'a'[1] array length", "needs at least 4194304");
        // Five levels of arrays: one more than any file needs.
        rejects(withKv(b -> {
            b.kv("deep", GgufValueType.ARRAY);
            for (int i = 0; i < 5; i++) b.u32(GgufValueType.ARRAY.id).u64(1);
            b.u32(GgufValueType.UINT8.id).u64(0);
        }), "metadata 'deep'[0][0][0][0] at byte", "nested deeper than 4");
    }

    @Test
    void alignmentKey() {
        rejects(withKv(b -> b.kv("general.alignment", GgufValueType.UINT64).u64(32)), "metadata 'general.alignment' at byte", "must be UINT32");
        rejects(withKv(b -> b.kv("general.alignment", GgufValueType.UINT32).u32(48)), "not a power of two");
        rejects(withKv(b -> b.kv("general.alignment", GgufValueType.UINT32).u32(0)), "not a power of two");
        rejects(withKv(b -> b.kv("general.alignment", GgufValueType.UINT32).u32(1 << 31)), "not a power of two");
        // The key governs the tensor offsets that follow it.
        GgufBytes b64 = GgufBytes.header(3, 1, 1);
        b64.kv("general.alignment", GgufValueType.UINT32).u32(64).tensor("w", F32, 32, 4).pad(64).zeros(64);
        rejects(b64.bytes(), "tensor 'w' offset at byte", "offset 32 is not a multiple of the alignment 64");
    }

    @Test
    void badTensorEntries() {
        rejects(tensors(16, b -> b.str("w").u32(5), 1), "tensor 'w' n_dims at byte", "n_dims 5 is not in 0..4");
        rejects(tensors(16, b -> b.tensor("w", F32, 0, -4), 1), "tensor 'w' ne[0] at byte", "beyond int64");
        rejects(tensors(16, b -> b.tensor("w", F32, 0, 1L << 32, 1L << 32), 1), "tensor 'w' ne at byte", "overflows int64");
        rejects(tensors(16, b -> b.tensor("w", F32, 0, 1L << 32, 1L << 32, 0), 1), "overflows int64");
        // Few elements, but 4 bytes each: the row size alone overflows (found by the fuzzer).
        rejects(tensors(16, b -> b.tensor("w", F32, 0, 1L << 62), 1), "tensor 'w' ne at byte", "overflows int64");
        rejects(tensors(16, b -> b.tensor("w", 4, 0, 4), 1), "tensor 'w' type at byte", "unknown ggml type id 4");
        rejects(tensors(16, b -> b.tensor("w", -1, 0, 4), 1), "unknown ggml type id 4294967295");
        rejects(tensors(64, b -> b.tensor("w", GgmlType.Q4_0.id, 0, 30), 1), "row length 30 is not a multiple of the Q4_0 block size 32");
        rejects(tensors(64, b -> b.tensor("w", F32, 8, 4), 1), "tensor 'w' offset at byte", "not a multiple of the alignment 32");
        rejects(tensors(64, b -> b.tensor("w", F32, -32, 4), 1), "tensor 'w' offset at byte", "beyond int64");
        rejects(tensors(64, b -> b.tensor("w", F32, 0, 4).tensor("w", F32, 32, 4), 2), "tensor 'w' at byte", "duplicate tensor name");
        rejects(GgufBytes.header(3, 1, 0).str("w").u32(1).u64(4).u32(F32).bytes(), "tensor 'w' offset at byte 49", "truncated");
    }

    @Test
    void tensorDataOutsideTheFileOrOverlapping() {
        rejects(tensors(16, b -> b.tensor("w", F32, 1024, 4), 1), "tensor 'w' (table entry at byte 24)", "run past the end of the file");
        rejects(tensors(16, b -> b.tensor("w", F32, (Long.MAX_VALUE / 32) * 32, 4), 1), "tensor 'w'", "run past the end");
        rejects(tensors(8, b -> b.tensor("w", F32, 0, 4), 1), "tensor 'w'", "16 bytes of data", "run past the end");
        rejects(tensors(64, b -> b.tensor("a", F32, 0, 16).tensor("b", F32, 32, 4), 2),
                "tensor 'b'", "overlaps tensor 'a', which ends at byte");
        // The file ends inside the alignment padding before the data section.
        GgufBytes cut = GgufBytes.header(3, 1, 0).tensor("w", F32, 0, 4);
        rejects(cut.bytes(), "data section at byte 57", "beyond the end of the file");
        // Empty tensors take no bytes and may share an offset with another tensor.
        byte[] shared = tensors(32, b -> b.tensor("a", F32, 0, 4).tensor("z", F32, 0, 4, 0), 2);
        try (GgufFile f = GgufFile.read(MemorySegment.ofArray(shared), "test")) {
            assertEquals(0, f.tensorInfo("z").byteSize());
        }
    }

    @TempDir
    Path dir;

    @Test
    void openReportsMissingFilesDirectoriesAndEmptyFiles() throws IOException {
        assertThrows(NoSuchFileException.class, () -> GgufFile.open(dir.resolve("missing.gguf")));
        IOException d = assertThrows(IOException.class, () -> GgufFile.open(dir));
        assertTrue(d.getMessage().contains("is a directory"), d.getMessage());
        Path empty = Files.createFile(dir.resolve("empty.gguf"));
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufFile.open(empty));
        assertTrue(e.getMessage().startsWith(empty + ": magic at byte 0"), e.getMessage());
    }
}
