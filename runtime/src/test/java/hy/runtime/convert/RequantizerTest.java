package hy.runtime.convert;

import static org.junit.jupiter.api.Assertions.*;

import hy.runtime.gguf.GgufFile;
import hy.runtime.gguf.GgufTensorInfo;
import hy.runtime.gguf.GgufValue;
import hy.runtime.gguf.GgufWriter;
import hy.runtime.quant.QuantCodecs;
import hy.runtime.tensor.GgmlType;
import hy.runtime.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RequantizerTest {
    @TempDir
    Path dir;
    Path f32;

    @BeforeEach
    void f32Model() throws IOException {
        f32 = dir.resolve("f32.gguf");
        SyntheticModel.write(f32, ModelShapes.TINY, TypePlan.of(GgmlType.F32), 11, SyntheticModel.Options.defaults(ModelShapes.TINY).withThreads(2));
    }

    private Requantizer.Result quantize(Path in, Path out, TypePlan plan) throws IOException {
        return Requantizer.run(in, out, plan, 2, ProgressListener.NONE);
    }

    /** The tensor's bytes when its F32 source is encoded as {@code type} directly. */
    private static byte[] encodedDirectly(Tensor source, GgmlType type) {
        float[] all = QuantCodecs.dequantizeAll(source);
        int row = source.rowLength();
        MemorySegment dst = Arena.ofAuto().allocate(type.rowBytes(row) * source.rowCount());
        for (long r = 0; r < source.rowCount(); r++) QuantCodecs.quantizeRow(type, all, (int) (r * row), row, dst, r * type.rowBytes(row));
        return dst.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
    }

    @Test
    void firstMatchingRuleWinsAndEveryTensorIsEncodedFromItsSource() throws IOException {
        Path out = dir.resolve("mix.gguf");
        TypePlan plan = TypePlan.of(GgmlType.Q8_0).withRules(List.of(TypePlan.Rule.parse("exps=q4_0"),
                TypePlan.Rule.parse("attn_.*=f16"), TypePlan.Rule.parse("blk\\.1\\.attn_q=q5_0")));
        Requantizer.Result r = quantize(f32, out, plan);
        assertEquals(0, r.requantized());
        try (GgufFile in = GgufFile.open(f32); GgufFile g = GgufFile.open(out)) {
            assertEquals(GgmlType.Q4_0, g.tensorInfo("blk.0.ffn_down_exps.weight").type());
            assertEquals(GgmlType.F16, g.tensorInfo("blk.1.attn_q.weight").type(), "attn_.* comes first, so the blk.1.attn_q rule never applies");
            assertEquals(GgmlType.Q8_0, g.tensorInfo("blk.1.ffn_up_shexp.weight").type());
            assertEquals(GgmlType.Q8_0, g.tensorInfo("token_embd.weight").type(), "Q6_K for the tied output falls back to Q8_0 on rows of 64");
            assertEquals(GgmlType.F32, g.tensorInfo("blk.0.ffn_gate_inp.weight").type());
            assertEquals(GgmlType.F32, g.tensorInfo("blk.0.attn_norm.weight").type(), "attn_.* does not reach norms");
            for (GgufTensorInfo info : g.tensorInfos()) {
                Tensor source = in.tensor(info.name());
                byte[] want = encodedDirectly(source, info.type());
                assertArrayEquals(want, g.view(info).data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), info.name());
            }
            // Metadata copied in order; only the file type changes (to Q4_0: the experts hold most weight bytes now).
            assertEquals(2, g.getInt("general.file_type"));
            assertEquals(List.copyOf(in.metadata().keySet()), List.copyOf(g.metadata().keySet()));
            for (Map.Entry<String, GgufValue> e : in.metadata().entrySet()) {
                if (!e.getKey().equals("general.file_type")) assertEquals(e.getValue().display(), g.get(e.getKey()).display(), e.getKey());
            }
        }
    }

    @Test
    void unchangedTypesAreCopiedByteForByte() throws IOException {
        Path q8 = dir.resolve("q8.gguf"), again = dir.resolve("again.gguf");
        quantize(f32, q8, TypePlan.of(GgmlType.Q8_0));
        Requantizer.Result r = quantize(q8, again, TypePlan.of(GgmlType.Q8_0));
        assertEquals(0, r.requantized());
        assertArrayEquals(Files.readAllBytes(q8), Files.readAllBytes(again));
        Requantizer.Result toQ4 = quantize(q8, dir.resolve("q4.gguf"), TypePlan.of(GgmlType.Q4_0));
        assertEquals(2 * 10, toQ4.requantized(), "2 layers × 10 weight matrices (token_embd stays Q8_0)");
    }

    @Test
    void tensorsHyCannotDecodeAreNamed() throws IOException {
        Path ik = dir.resolve("ik.gguf");
        new GgufWriter().put("general.architecture", GgufValue.string("hunyuan-moe"))
                .addTensor("blk.0.ffn_up_exps.weight", GgmlType.IQ4_K, new long[] {256, 2}, dst -> dst.fill((byte) 0)).write(ik);
        var e = assertThrows(IllegalArgumentException.class, () -> quantize(ik, dir.resolve("o.gguf"), TypePlan.of(GgmlType.Q8_0)));
        assertTrue(e.getMessage().contains("tensor blk.0.ffn_up_exps.weight is IQ4_K, which hy cannot decode, so it cannot become Q8_0"), e.getMessage());
    }

    @Test
    void splitInputIsRefused() throws IOException {
        Path split = dir.resolve("split.gguf");
        new GgufWriter().put("general.architecture", GgufValue.string("hunyuan-moe")).put("split.count", GgufValue.u16(2)).write(split);
        var e = assertThrows(IllegalArgumentException.class, () -> quantize(split, dir.resolve("o.gguf"), TypePlan.of(GgmlType.Q8_0)));
        assertTrue(e.getMessage().contains("split GGUF"), e.getMessage());
    }
}
