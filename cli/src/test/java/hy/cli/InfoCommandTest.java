package hy.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import hy.runtime.gguf.GgufFile;
import hy.runtime.gguf.GgufValue;
import hy.runtime.gguf.GgufValueType;
import hy.runtime.gguf.GgufWriter;
import hy.runtime.quant.QuantCodecs;
import hy.runtime.tensor.GgmlType;
import hy.runtime.testing.ExampleFiles;
import hy.runtime.testing.SharedData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hy info}, run in-process through {@link Hy#execute}. */
class InfoCommandTest {
    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
        /** Output lines with runs of spaces collapsed, so that assertions do not depend on column widths. */
        List<String> lines() {
            return out.lines().map(l -> l.strip().replaceAll(" {2,}", " ")).toList();
        }
    }

    private static Run hy(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Hy.execute(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    private static Path quantVectors() {
        return SharedData.path("testdata/quant_vectors.gguf");
    }

    @Test
    void showsEveryTypedValueOfTheReferenceFile() {
        Run r = hy("info", quantVectors().toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        List<String> lines = r.lines();
        assertEquals(quantVectors() + ": GGUF v3, 176.4 KiB (180,608 bytes), alignment 32, data section at byte 2,592",
                lines.getFirst());
        for (String expected : List.of(
                "metadata: 17 keys",
                "STRING general.architecture = \"testvectors\"",
                "UINT8 kv.u8 = 200",
                "INT8 kv.i8 = -100",
                "UINT16 kv.u16 = 60000",
                "INT16 kv.i16 = -30000",
                "UINT32 kv.u32 = 4000000000",
                "INT32 kv.i32 = -2000000000",
                "UINT64 kv.u64 = 18000000000000000000",
                "INT64 kv.i64 = -9000000000000000000",
                "FLOAT32 kv.f32 = 3.25",
                "FLOAT64 kv.f64 = -1.0E300",
                "BOOL kv.bool = true",
                "STRING kv.str = \"h\u00e9llo \u4e16\u754c\"",
                "[STRING] kv.arr_str = [\"a\", \"\", \"\u03b2\u03b3\", \"<|eos|>\"]",
                "[INT32] kv.arr_i32 = [1, -2, 3]",
                "[FLOAT32] kv.arr_f32 = [0.5, -1.5]",
                "tensors: 40",
                "# name type shape bytes offset",
                "0 f16.q F16 96 x 3 576 0",
                "4 q4_0.q Q4_0 128 x 3 216 3456",
                "39 iq1_s.ref F32 1024 x 3 12288 165728",
                "summary: 40 tensors, 79,488 parameters, 173.7 KiB (177,840 bytes) of tensor data",
                "type tensors bytes size",
                "F32 20 158976 155.3 KiB",
                "IQ1_S 1 600 600 B")) {
            assertTrue(lines.contains(expected), "missing line: " + expected + "\n" + r.out());
        }
    }

    @Test
    void columnsAreAligned() {
        Run r = hy("info", quantVectors().toString());
        List<String> rows = r.out().lines().filter(l -> l.matches(" +\\d+ +\\S+\\.(q|ref) .*")).toList();
        assertEquals(40, rows.size());
        // Right-aligned numbers: every row of the tensor table has the same length up to its last column.
        assertEquals(1, rows.stream().map(String::length).distinct().count(), String.join("\n", rows));
    }

    @Test
    void longArraysAndStringsAreAbbreviatedOnOneLine() throws Exception {
        int[] ids = new int[1000];
        for (int i = 0; i < ids.length; i++) ids[i] = i;
        String template = "{% for m in messages %}\n\t\"" + "x".repeat(300) + "{% endfor %}";
        Path p = dir.resolve("long.gguf");
        new GgufWriter()
                .put("x.ids", GgufValue.array(GgufValueType.INT32, ids))
                .put("x.template", GgufValue.string(template))
                .put("x.nested", GgufValue.array(GgufValueType.ARRAY, new hy.runtime.gguf.GgufArray[] {
                        new hy.runtime.gguf.GgufArray(GgufValueType.UINT8, new byte[] {(byte) 255, 1})}))
                .write(p);
        Run r = hy("info", p.toString());
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.lines();
        assertTrue(lines.contains("[INT32] x.ids = [0, 1, 2, 3, 4, 5, 6, 7, ... (1000 total)]"), r.out());
        String expectedTemplate = "STRING x.template = \"{% for m in messages %}\\n\\t\\\"" + "x".repeat(100 - 26)
                + "\"... (" + template.length() + " chars)";
        assertTrue(lines.contains(expectedTemplate), expectedTemplate + "\n" + r.out());
        assertTrue(lines.contains("[ARRAY] x.nested = [[255, 1]]"), r.out());
        assertTrue(lines.contains("tensors: 0"), r.out());
    }

    @Test
    void theBundledExampleIsReadable() {
        Path tiny = ExampleFiles.projectRoot().resolve(ExampleFiles.TINY);
        Run r = hy("info", tiny.toString());
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.lines();
        assertTrue(lines.contains("STRING general.architecture = \"hunyuan-moe\""), r.out());
        assertTrue(lines.contains("UINT32 hunyuan-moe.expert_count = 8"), r.out());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("[STRING] tokenizer.ggml.tokens = [") && l.endsWith(", ... (512 total)]")), r.out());
        assertTrue(lines.contains("0 token_embd.weight F32 64 x 512 131072 0"), r.out());
    }

    @Test
    void dumpPrintsOneRowPerLineThatReadsBackExactly() throws Exception {
        Run r = hy("info", quantVectors().toString(), "--dump", "q4_0.ref");
        assertEquals(0, r.code(), r.err());
        List<String> rows = r.out().lines().toList();
        assertEquals(3, rows.size());
        try (GgufFile f = GgufFile.open(quantVectors())) {
            float[] expected = f.tensor("q4_0.ref").data().toArray(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN));
            for (int row = 0; row < 3; row++) {
                String[] cells = rows.get(row).split(" ");
                assertEquals(128, cells.length);
                float[] got = new float[128];
                for (int i = 0; i < 128; i++) got[i] = Float.parseFloat(cells[i]);
                assertArrayEquals(Arrays.copyOfRange(expected, row * 128, row * 128 + 128), got);
            }
        }
    }

    @Test
    void dumpOfATypeWithoutDecoderIsOneClearError() throws Exception {
        GgmlType unsupported = Arrays.stream(GgmlType.values()).filter(t -> !QuantCodecs.supports(t)).findFirst().orElse(null);
        assumeTrue(unsupported != null, "every type has a decoder");
        Path p = dir.resolve("odd.gguf");
        new GgufWriter().addTensor("w", unsupported, new long[] {unsupported.blockSize}, dst -> {}).write(p);
        Run r = hy("info", p.toString(), "--dump", "w");
        assertEquals(1, r.code());
        assertEquals("hy: error: cannot dump tensor 'w': this build has no decoder for type " + unsupported + "\n", r.err());
        assertEquals("", r.out());
    }

    @Test
    void errorsAreOneLineAndNonZero() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.txt"), "hello, not a model\n");
        assertError(hy("info", dir.resolve("missing.gguf").toString()), "hy: error: file not found: " + dir.resolve("missing.gguf"));
        assertError(hy("info", text.toString()), "hy: error: " + text + ": magic at byte 0: not a GGUF file (expected the bytes 'GGUF', found 'hell')");
        assertError(hy("info", dir.toString()), "hy: error: " + dir + " is a directory, not a GGUF file");
        assertError(hy("info", quantVectors().toString(), "--dump", "nope"),
                "hy: error: " + quantVectors() + " has no tensor named 'nope' (it has 40; 'hy info " + quantVectors() + "' lists them)");
        Run usage = hy("info");
        assertEquals(2, usage.code());
        assertTrue(usage.err().startsWith("hy: error: Missing required parameter: 'FILE'"), usage.err());
    }

    private static void assertError(Run r, String line) {
        assertEquals(1, r.code(), r.err());
        assertEquals(line + "\n", r.err());
        assertEquals("", r.out());
    }
}
