package hy.runtime.gguf;

import hy.runtime.tensor.GgmlType;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** Small GGUF contents used by the writer round trips and as seeds for the mutation fuzzer. */
final class GgufSamples {
    private GgufSamples() {}

    /** One value of every GGUF type, extreme values included, plus arrays of every element type and nested ones. */
    static Map<String, GgufValue> everyValueType() {
        Map<String, GgufValue> m = new LinkedHashMap<>();
        m.put("general.architecture", GgufValue.string("sample"));
        m.put("t.u8", GgufValue.u8(255));
        m.put("t.i8", GgufValue.i8(-128));
        m.put("t.u16", GgufValue.u16(65535));
        m.put("t.i16", GgufValue.i16(-32768));
        m.put("t.u32", GgufValue.u32(0xFFFF_FFFFL));
        m.put("t.i32", GgufValue.i32(Integer.MIN_VALUE));
        m.put("t.u64", GgufValue.u64(-1L)); // 2^64 − 1
        m.put("t.i64", GgufValue.i64(Long.MIN_VALUE));
        m.put("t.f32", GgufValue.f32(Float.intBitsToFloat(0x7fc01234))); // a NaN with payload: bits must survive
        m.put("t.f64", GgufValue.f64(-0.0));
        m.put("t.bool_false", GgufValue.bool(false));
        m.put("t.bool_true", GgufValue.bool(true));
        m.put("t.str_empty", GgufValue.string(""));
        m.put("t.str", GgufValue.string("tab\t newline\n quote\" nul\0 \u00e9 \u4e16 \uD83D\uDE00"));
        m.put("t.arr_u8", GgufValue.array(GgufValueType.UINT8, new byte[] {0, 1, (byte) 255}));
        m.put("t.arr_i8", GgufValue.array(GgufValueType.INT8, new byte[] {-128, 127}));
        m.put("t.arr_u16", GgufValue.array(GgufValueType.UINT16, new short[] {(short) 65535, 1}));
        m.put("t.arr_i16", GgufValue.array(GgufValueType.INT16, new short[] {-32768, 32767}));
        m.put("t.arr_u32", GgufValue.array(GgufValueType.UINT32, new int[] {-1, 7}));
        m.put("t.arr_i32", GgufValue.int32s(Integer.MIN_VALUE, 0, Integer.MAX_VALUE));
        m.put("t.arr_u64", GgufValue.array(GgufValueType.UINT64, new long[] {-1L, 0}));
        m.put("t.arr_i64", GgufValue.array(GgufValueType.INT64, new long[] {Long.MIN_VALUE, Long.MAX_VALUE}));
        m.put("t.arr_f32", GgufValue.float32s(1.5f, Float.NEGATIVE_INFINITY, -0.0f));
        m.put("t.arr_f64", GgufValue.array(GgufValueType.FLOAT64, new double[] {Math.PI, Double.MIN_VALUE}));
        m.put("t.arr_bool", GgufValue.array(GgufValueType.BOOL, new boolean[] {true, false, true}));
        m.put("t.arr_str", GgufValue.strings("a", "", "\u03b2\u03b3", "<|eos|>"));
        m.put("t.arr_empty", GgufValue.array(GgufValueType.INT32, new int[0]));
        m.put("t.arr_nested", GgufValue.array(GgufValueType.ARRAY, new GgufArray[] {
                new GgufArray(GgufValueType.INT32, new int[] {1, 2}),
                new GgufArray(GgufValueType.STRING, new String[] {"x", "yz"}),
                new GgufArray(GgufValueType.ARRAY, new GgufArray[] {new GgufArray(GgufValueType.FLOAT64, new double[] {2.5})}),
                new GgufArray(GgufValueType.BOOL, new boolean[0])}));
        return m;
    }

    /**
     * A writer holding {@link #everyValueType()} and a few tensors of different types and ranks (random bytes from
     * {@code seed}), including an empty one.
     */
    static GgufWriter sampleWriter(long seed) {
        GgufWriter w = new GgufWriter().putAll(everyValueType());
        Random r = new Random(seed);
        w.addTensor("a.f32", GgmlType.F32, new long[] {5}, dst -> fillRandom(dst, r));
        w.addTensor("b.q8_0", GgmlType.Q8_0, new long[] {64, 2}, dst -> fillRandom(dst, r));
        w.addTensor("c.f16", GgmlType.F16, new long[] {3, 2, 2, 1}, dst -> fillRandom(dst, r));
        w.addTensor("d.empty", GgmlType.F32, new long[] {4, 0}, dst -> {});
        w.addTensor("e.q4_k", GgmlType.Q4_K, new long[] {256, 1, 1}, dst -> fillRandom(dst, r));
        return w;
    }

    static void fillRandom(MemorySegment dst, Random r) {
        byte[] b = new byte[(int) dst.byteSize()];
        r.nextBytes(b);
        dst.copyFrom(MemorySegment.ofArray(b));
    }

    /** Writes {@code w} into {@code dir} and returns the file's bytes. */
    static byte[] bytesOf(GgufWriter w, Path dir, String name) throws IOException {
        Path p = dir.resolve(name);
        w.write(p);
        return Files.readAllBytes(p);
    }

    /** The same bytes as a v2 file: v2 and v3 share one layout, only the version field differs. */
    static byte[] asV2(byte[] v3) {
        byte[] b = v3.clone();
        assert b[4] == 3;
        b[4] = 2;
        return b;
    }
}
