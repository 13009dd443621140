package hy.runtime.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import hy.runtime.tensor.GgmlType;
import hy.runtime.tensor.Tensor;
import hy.runtime.testing.SharedData;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Reads the reference file {@code ../shared/testdata/quant_vectors.gguf}, written by another implementation's GGUF
 * writer, completely: every metadata key with its exact type and value, and every tensor's name, type, shape, byte
 * size and placement.
 */
class QuantVectorsAcceptanceTest {

    static Path file() {
        return SharedData.path("testdata/quant_vectors.gguf");
    }

    @Test
    void headerFields() throws Exception {
        try (GgufFile f = GgufFile.open(file())) {
            assertEquals(3, f.version());
            assertEquals(32, f.alignment());
            assertEquals(180608, f.fileSize());
            // The last tensor (iq1_s.ref, 12288 bytes at data offset 165728) ends exactly at the end of the file.
            assertEquals(180608 - 165728 - 12288, f.dataOffset());
        }
    }

    @Test
    void everyMetadataKeyWithItsTypeAndValue() throws Exception {
        List<String> keys = List.of("general.architecture", "testvectors.note", "kv.u8", "kv.i8", "kv.u16", "kv.i16",
                "kv.u32", "kv.i32", "kv.u64", "kv.i64", "kv.f32", "kv.f64", "kv.bool", "kv.str", "kv.arr_str",
                "kv.arr_i32", "kv.arr_f32");
        try (GgufFile f = GgufFile.open(file())) {
            assertEquals(keys, new ArrayList<>(f.metadata().keySet()), "keys in file order");
            assertEquals(GgufValue.string("testvectors"), f.get("general.architecture"));
            assertEquals(GgufValue.string("pairs <type>.q (quantized bytes) and <type>.ref (float32 dequantized by an"
                    + " independent implementation)"), f.get("testvectors.note"));

            assertInteger(f, "kv.u8", GgufValueType.UINT8, 200, "200");
            assertInteger(f, "kv.i8", GgufValueType.INT8, -100, "-100");
            assertInteger(f, "kv.u16", GgufValueType.UINT16, 60000, "60000");
            assertInteger(f, "kv.i16", GgufValueType.INT16, -30000, "-30000");
            assertInteger(f, "kv.u32", GgufValueType.UINT32, 4_000_000_000L, "4000000000");
            assertInteger(f, "kv.i32", GgufValueType.INT32, -2_000_000_000L, "-2000000000");
            assertInteger(f, "kv.i64", GgufValueType.INT64, -9_000_000_000_000_000_000L, "-9000000000000000000");
            // 18e18 does not fit a signed long: the raw bits are kept and shown unsigned.
            GgufValue u64 = f.get("kv.u64");
            assertEquals(GgufValueType.UINT64, u64.type());
            assertEquals("18000000000000000000", Long.toUnsignedString((Long) u64.value()));
            assertEquals("18000000000000000000", u64.display());

            assertEquals(GgufValue.f32(3.25f), f.get("kv.f32"));
            assertEquals(GgufValue.f64(-1e300), f.get("kv.f64"));
            assertEquals(GgufValue.bool(true), f.get("kv.bool"));
            assertEquals(GgufValue.string("h\u00e9llo \u4e16\u754c"), f.get("kv.str"));

            GgufArray strings = f.getArray("kv.arr_str");
            assertEquals(GgufValueType.STRING, strings.elementType());
            assertArrayEquals(new String[] {"a", "", "\u03b2\u03b3", "<|eos|>"}, strings.strings());
            GgufArray ints = f.getArray("kv.arr_i32");
            assertEquals(GgufValueType.INT32, ints.elementType());
            assertArrayEquals(new int[] {1, -2, 3}, (int[]) ints.values());
            GgufArray floats = f.getArray("kv.arr_f32");
            assertEquals(GgufValueType.FLOAT32, floats.elementType());
            assertArrayEquals(new float[] {0.5f, -1.5f}, (float[]) floats.values());
        }
    }

    private static void assertInteger(GgufFile f, String key, GgufValueType type, long value, String display) {
        GgufValue v = f.get(key);
        assertEquals(type, v.type(), key);
        assertEquals(value, v.asLong(), key);
        assertEquals(display, v.display(), key);
    }

    /** Name stem, type, row length and bytes of the quantized tensor (3 rows; block sizes from the spec's table). */
    private record Expected(String stem, GgmlType type, long ne0, long qBytes) {}

    private static final List<Expected> TENSORS = List.of(
            new Expected("f16", GgmlType.F16, 96, 576),
            new Expected("bf16", GgmlType.BF16, 96, 576),
            new Expected("q4_0", GgmlType.Q4_0, 128, 216),
            new Expected("q4_1", GgmlType.Q4_1, 128, 240),
            new Expected("q5_0", GgmlType.Q5_0, 128, 264),
            new Expected("q5_1", GgmlType.Q5_1, 128, 288),
            new Expected("q8_0", GgmlType.Q8_0, 128, 408),
            new Expected("q2_k", GgmlType.Q2_K, 1024, 1008),
            new Expected("q3_k", GgmlType.Q3_K, 1024, 1320),
            new Expected("q4_k", GgmlType.Q4_K, 1024, 1728),
            new Expected("q5_k", GgmlType.Q5_K, 1024, 2112),
            new Expected("q6_k", GgmlType.Q6_K, 1024, 2520),
            new Expected("iq4_nl", GgmlType.IQ4_NL, 128, 216),
            new Expected("iq4_xs", GgmlType.IQ4_XS, 1024, 1632),
            new Expected("iq2_xxs", GgmlType.IQ2_XXS, 1024, 792),
            new Expected("iq2_xs", GgmlType.IQ2_XS, 1024, 888),
            new Expected("iq2_s", GgmlType.IQ2_S, 1024, 984),
            new Expected("iq3_xxs", GgmlType.IQ3_XXS, 1024, 1176),
            new Expected("iq3_s", GgmlType.IQ3_S, 1024, 1320),
            new Expected("iq1_s", GgmlType.IQ1_S, 1024, 600));

    @Test
    void everyTensorWithTypeShapeSizeAndPlacement() throws Exception {
        try (GgufFile f = GgufFile.open(file())) {
            List<GgufTensorInfo> infos = f.tensorInfos();
            assertEquals(40, infos.size());
            long expectedOffset = 0;
            for (int i = 0; i < TENSORS.size(); i++) {
                Expected e = TENSORS.get(i);
                GgufTensorInfo q = infos.get(2 * i);
                GgufTensorInfo ref = infos.get(2 * i + 1);
                assertEquals(e.stem() + ".q", q.name());
                assertEquals(e.type(), q.type(), q.name());
                assertArrayEquals(new long[] {e.ne0(), 3}, q.ne(), q.name());
                assertEquals(e.qBytes(), q.byteSize(), q.name());
                assertEquals(e.stem() + ".ref", ref.name());
                assertEquals(GgmlType.F32, ref.type(), ref.name());
                assertArrayEquals(new long[] {e.ne0(), 3}, ref.ne(), ref.name());
                assertEquals(e.ne0() * 3 * 4, ref.byteSize(), ref.name());
                // The writer packed the tensors in table order, each padded to the 32-byte alignment.
                for (GgufTensorInfo t : List.of(q, ref)) {
                    assertEquals(expectedOffset, t.offset(), t.name());
                    expectedOffset = (t.offset() + t.byteSize() + 31) / 32 * 32;
                }
            }
        }
    }

    @Test
    void tensorViewsAreTheFileBytesAtTheirOffsets() throws Exception {
        byte[] raw = Files.readAllBytes(file());
        try (GgufFile f = GgufFile.open(file())) {
            for (GgufTensorInfo info : f.tensorInfos()) {
                Tensor t = f.view(info);
                assertEquals(info.byteSize(), t.byteSize(), info.name());
                int from = (int) (f.dataOffset() + info.offset());
                byte[] expected = Arrays.copyOfRange(raw, from, from + (int) info.byteSize());
                assertArrayEquals(expected, t.data().toArray(ValueLayout.JAVA_BYTE), info.name());
            }
        }
    }
}
