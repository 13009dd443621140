package hy.runtime.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hy.runtime.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What {@link GgufWriter} writes, {@link GgufFile} reads back unchanged. */
class GgufWriterRoundTripTest {
    @TempDir
    Path dir;

    @Test
    void copyOfTheReferenceFileReadsBackIdentically() throws Exception {
        Path copy = dir.resolve("copy.gguf");
        try (GgufFile ref = GgufFile.open(QuantVectorsAcceptanceTest.file())) {
            GgufWriter w = new GgufWriter().putAll(ref.metadata());
            for (GgufTensorInfo t : ref.tensorInfos()) w.addTensor(ref.view(t));
            w.write(copy);
            try (GgufFile back = GgufFile.open(copy)) {
                assertEquals(ref.metadata(), back.metadata());
                assertEquals(new ArrayList<>(ref.metadata().keySet()), new ArrayList<>(back.metadata().keySet()));
                // Same header bytes, so even the entries' positions in the file agree.
                assertEquals(ref.tensorInfos(), back.tensorInfos());
                assertEquals(ref.dataOffset(), back.dataOffset());
                for (GgufTensorInfo t : ref.tensorInfos()) {
                    assertEquals(-1, ref.view(t).data().mismatch(back.tensor(t.name()).data()), t.name());
                }
            }
            // Both writers pack tensors in order, pad with zeros and pad the last tensor too: the files are equal.
            assertArrayEquals(Files.readAllBytes(QuantVectorsAcceptanceTest.file()), Files.readAllBytes(copy));
        }
    }

    @Test
    void everyValueTypeIncludingNestedArraysRoundTrips() throws Exception {
        Map<String, GgufValue> values = GgufSamples.everyValueType();
        Path p = dir.resolve("values.gguf");
        new GgufWriter().putAll(values).write(p);
        try (GgufFile f = GgufFile.open(p)) {
            assertEquals(values, f.metadata());
            assertEquals(new ArrayList<>(values.keySet()), new ArrayList<>(f.metadata().keySet()));
            // GgufValue.equals compares floats like Float.equals (all NaNs equal): check the payload bits directly.
            assertEquals(0x7fc01234, Float.floatToRawIntBits((Float) f.get("t.f32").value()));
            assertEquals(Long.MIN_VALUE, Double.doubleToRawLongBits((Double) f.get("t.f64").value()));
            assertEquals("18446744073709551615", f.get("t.u64").display());
            GgufArray nested = f.getArray("t.arr_nested");
            assertEquals(GgufValueType.ARRAY, nested.elementType());
            assertEquals(2.5, nested.get(2).asArray().get(0).asArray().get(0).asDouble());
            assertEquals(0, f.tensorInfos().size());
            // No tensors: the file ends right after the header, without alignment padding.
            assertEquals(Files.size(p), f.dataOffset());
        }
    }

    @Test
    void tensorsOfSeveralTypesAndRanksRoundTrip() throws Exception {
        byte[] q8 = new byte[2 * 34];
        for (int i = 0; i < q8.length; i++) q8[i] = (byte) (i * 7 + 3);
        float[] f32 = {1f, -2.5f, Float.MAX_VALUE, Float.MIN_VALUE, -0f, 6f};
        Path p = dir.resolve("tensors.gguf");
        new GgufWriter()
                .put("general.architecture", GgufValue.string("x"))
                .addF32("a", new long[] {3, 2}, f32)
                .addTensor("b", GgmlType.Q8_0, new long[] {32, 1, 2}, dst -> dst.copyFrom(MemorySegment.ofArray(q8)))
                .addTensor("empty", GgmlType.F16, new long[] {8, 0}, dst -> {})
                .addF32("scalar", new long[] {1, 1, 1, 1}, new float[] {42f})
                .write(p);
        try (GgufFile f = GgufFile.open(p)) {
            List<GgufTensorInfo> t = f.tensorInfos();
            assertEquals(List.of("a", "b", "empty", "scalar"), t.stream().map(GgufTensorInfo::name).toList());
            assertArrayEquals(new long[] {3, 2}, t.get(0).ne());
            assertArrayEquals(new long[] {32, 1, 2}, t.get(1).ne());
            assertArrayEquals(new long[] {8, 0}, t.get(2).ne());
            assertArrayEquals(new long[] {1, 1, 1, 1}, t.get(3).ne());
            assertEquals(List.of(24L, 68L, 0L, 4L), t.stream().map(GgufTensorInfo::byteSize).toList());
            assertEquals(List.of(0L, 32L, 128L, 128L), t.stream().map(GgufTensorInfo::offset).toList());
            assertArrayEquals(f32, f.tensor("a").data().toArray(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN)));
            assertArrayEquals(q8, f.tensor("b").data().toArray(ValueLayout.JAVA_BYTE));
            assertEquals(f.dataOffset() + 160, f.fileSize(), "last tensor padded to the alignment");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 8, 64, 4096})
    void customAlignmentIsHonoured(int alignment) throws Exception {
        Path p = dir.resolve("aligned.gguf");
        GgufWriter w = GgufSamples.sampleWriter(1).put(GgufFile.KEY_ALIGNMENT, GgufValue.u32(alignment));
        w.write(p);
        try (GgufFile f = GgufFile.open(p)) {
            assertEquals(alignment, f.alignment());
            assertEquals(0, f.dataOffset() % alignment);
            assertTrue(f.dataOffset() - alignment < headerEnd(f), "data starts at the first aligned byte after the header");
            long end = 0;
            for (GgufTensorInfo t : f.tensorInfos()) {
                assertEquals(0, t.offset() % alignment, t.name());
                assertTrue(t.offset() >= end, t.name());
                end = t.offset() + t.byteSize();
            }
            assertEquals(w.metadata(), f.metadata());
        }
    }

    /** Where the tensor table ends: the last entry's start plus its encoded length. */
    private static long headerEnd(GgufFile f) {
        GgufTensorInfo last = f.tensorInfos().getLast();
        return last.infoOffset() + 8 + last.name().length() + 4 + 8L * last.ne().length + 4 + 8;
    }

    @Test
    void handBuiltV2HeaderReads() {
        GgufBytes b = GgufBytes.header(2, 1, 3);
        b.kv("general.architecture", GgufValueType.STRING).str("v2");
        b.kv("x.count", GgufValueType.UINT64).u64(12345678901L);
        b.kv("x.names", GgufValueType.ARRAY).u32(GgufValueType.STRING.id).u64(2).str("p").str("q");
        b.tensor("w", GgmlType.F32.id, 0, 2, 1);
        int headerEnd = b.size();
        b.pad(32).raw(new byte[] {0, 0, (byte) 0x80, 0x3f, 0, 0, 0, 0x40}); // 1.0f, 2.0f
        try (GgufFile f = b.read()) {
            assertEquals(2, f.version());
            assertEquals("v2", f.getString("general.architecture"));
            assertEquals(12345678901L, f.getLong("x.count"));
            assertArrayEquals(new String[] {"p", "q"}, f.getArray("x.names").strings());
            assertEquals((headerEnd + 31) / 32 * 32, f.dataOffset());
            assertArrayEquals(new float[] {1f, 2f}, f.tensor("w").data().toArray(ValueLayout.JAVA_FLOAT_UNALIGNED));
        }
    }

    @Test
    void v2AndV3OfTheSameContentReadTheSame() throws Exception {
        byte[] v3 = GgufSamples.bytesOf(GgufSamples.sampleWriter(7), dir, "s.gguf");
        try (GgufFile a = GgufFile.read(MemorySegment.ofArray(v3), "v3");
             GgufFile b = GgufFile.read(MemorySegment.ofArray(GgufSamples.asV2(v3)), "v2")) {
            assertEquals(3, a.version());
            assertEquals(2, b.version());
            assertEquals(a.metadata(), b.metadata());
            assertEquals(a.tensorInfos(), b.tensorInfos());
        }
    }

    @Test
    void writerRejectsWhatItCannotWriteFaithfully() {
        GgufWriter w = new GgufWriter();
        assertThrows(IllegalArgumentException.class, () -> w.put(GgufFile.KEY_ALIGNMENT, GgufValue.u32(48)));
        assertThrows(IllegalArgumentException.class, () -> w.put(GgufFile.KEY_ALIGNMENT, GgufValue.u32(0)));
        assertThrows(IllegalArgumentException.class, () -> w.put(GgufFile.KEY_ALIGNMENT, GgufValue.u64(32)));
        assertThrows(IllegalArgumentException.class, () -> w.addF32("x".repeat(64), new long[] {1}, new float[1]));
        assertThrows(IllegalArgumentException.class, () -> w.addTensor("q", GgmlType.Q4_0, new long[] {31}, d -> {}));
        assertThrows(IllegalArgumentException.class, () -> w.addTensor("n", GgmlType.F32, new long[] {4, -1}, d -> {}));
        assertThrows(IllegalArgumentException.class, () -> w.addTensor("d", GgmlType.F32, new long[] {1, 1, 1, 1, 1}, d -> {}));
        assertThrows(IllegalArgumentException.class,
                () -> w.addTensor("big", GgmlType.F32, new long[] {1L << 40, 1L << 40}, d -> {}));
        w.addF32("t", new long[] {1}, new float[1]);
        assertThrows(IllegalArgumentException.class, () -> w.addF32("t", new long[] {1}, new float[1]));
        // A lone surrogate cannot be encoded as UTF-8; writing it as '?' would silently change the value.
        w.put("bad", GgufValue.string("a\uD800b"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> w.write(dir.resolve("bad.gguf")));
        assertTrue(e.getMessage().contains("surrogate"), e.getMessage());
        assertTrue(Files.notExists(dir.resolve("bad.gguf")));
    }
}
