package hy.cuda.emu;

import static org.junit.jupiter.api.Assertions.*;

import hy.cuda.backend.CudaBackend;
import hy.cuda.selftest.ErrorStats;
import hy.cuda.selftest.TestTensors;
import hy.runtime.backend.Activations;
import hy.runtime.backend.ExpertSelection;
import hy.runtime.backend.MoeWeights;
import hy.runtime.backend.RecordedStep;
import hy.runtime.backend.StepRecording;
import hy.runtime.backend.Weight;
import hy.runtime.tensor.GgmlType;
import java.lang.foreign.Arena;
import java.util.Random;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The CUDA backend's own API on the kernel emulator: transfers, poisoning, release, errors, split MoE entry points. */
class EmulatedBackendApiTest {
    static CudaBackend gpu;

    @BeforeAll
    static void open() throws Exception {
        gpu = CudaBackend.on(EmulatedGpu.open(), CudaBackend.Options.defaults().withLog(m -> {}));
    }

    @AfterAll
    static void close() {
        if (gpu != null) gpu.close();
    }

    @Test
    void writeReadAndPoison() {
        Activations a = gpu.activations(3, 96);
        float[] v = new float[288];
        for (int i = 0; i < v.length; i++) v[i] = i * 0.25f - 7;
        gpu.write(a, v);
        float[] back = new float[288];
        gpu.read(a, back);
        assertArrayEquals(v, back);
        float[] row = new float[96];
        gpu.read(a.rows(1, 2), 1, row);
        assertEquals(v[192], row[0]);
        gpu.poison(a.rows(1, 1));
        gpu.read(a, back);
        assertEquals(v[0], back[0]);
        assertTrue(Float.isNaN(back[96]) && Float.isNaN(back[191]));
        assertEquals(v[192], back[192]);
        gpu.release(a);
        assertThrows(IllegalStateException.class, () -> gpu.read(a, back), "use after release");
    }

    @Test
    void cacheTypesAndShapesAreCheckedWithClearMessages() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> gpu.kvCache(1, 16, 128, GgmlType.Q8_0, GgmlType.F16));
        assertTrue(e.getMessage().contains("one type"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> gpu.kvCache(1, 16, 128, GgmlType.Q4_0, GgmlType.Q4_0));
        assertTrue(e.getMessage().contains("-ctk q4_0"), e.getMessage());
        Activations x = gpu.activations(2, 64), y = gpu.activations(3, 32);
        try (Arena arena = Arena.ofShared()) {
            Weight w = gpu.weight(new TestTensors(arena, new Random(1)).matrix("w", GgmlType.Q8_0, 64, 32, 1));
            e = assertThrows(IllegalArgumentException.class, () -> gpu.matmul(w, x, y));
            assertTrue(e.getMessage().startsWith("matmul shape mismatch"), e.getMessage());
            assertTrue(gpu.owns(w));
            gpu.release(w);
            assertFalse(gpu.owns(w));
        }
        gpu.release(x);
        gpu.release(y);
    }

    @Test
    void unsupportedWeightTypesAreRefusedByName() {
        try (Arena arena = Arena.ofShared()) {
            var t = new hy.runtime.tensor.Tensor("blk.0.ffn_down_exps.weight", GgmlType.IQ2_XXS, new long[] {256, 4}, arena.allocate(66 * 4));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> gpu.weight(t));
            assertTrue(e.getMessage().startsWith("tensor blk.0.ffn_down_exps.weight is IQ2_XXS"), e.getMessage());
        }
    }

    /** ffn + routedExperts with a host routing compute what moe computes with its device routing. */
    @Test
    void sharedFfnPlusHostRoutedExpertsEqualTheFusedMoe() {
        int n = 4, hidden = 64, ff = 32, experts = 8;
        ExpertSelection sel = ExpertSelection.topK(2);
        try (Arena arena = Arena.ofShared()) {
            TestTensors t = new TestTensors(arena, new Random(7));
            Weight router = gpu.weight(t.matrix("router", GgmlType.F32, hidden, experts, 1));
            Weight gate = gpu.weight(t.matrix("gate", GgmlType.Q8_0, hidden, ff, experts)), up = gpu.weight(t.matrix("up", GgmlType.Q8_0, hidden, ff, experts));
            Weight down = gpu.weight(t.matrix("down", GgmlType.Q8_0, ff, hidden, experts));
            Weight gs = gpu.weight(t.matrix("gs", GgmlType.Q8_0, hidden, ff, 1)), us = gpu.weight(t.matrix("us", GgmlType.Q8_0, hidden, ff, 1));
            Weight ds = gpu.weight(t.matrix("ds", GgmlType.Q8_0, ff, hidden, 1));
            float[] xv = t.values(n * hidden, 1f), accv = t.values(n * hidden, 1f);
            Activations x = gpu.activations(n, hidden), fused = gpu.activations(n, hidden), split = gpu.activations(n, hidden),
                    logits = gpu.activations(n, experts);
            gpu.write(x, xv);
            gpu.write(fused, accv);
            gpu.write(split, accv);
            gpu.moe(x, new MoeWeights(router, gate, up, down, gs, us, ds), sel, fused);

            gpu.matmul(router, x, logits);
            float[] l = new float[n * experts];
            gpu.read(logits, l);
            int[] ids = new int[n * 2];
            float[] w = new float[n * 2];
            java.util.Arrays.fill(ids, -1);
            for (int tok = 0; tok < n; tok++) {
                float[] p = java.util.Arrays.copyOfRange(l, tok * experts, tok * experts + experts);
                softmax(p);
                int[] chosen = new int[2];
                float[] g = new float[2];
                int kept = sel.select(p, chosen, g);
                System.arraycopy(chosen, 0, ids, tok * 2, kept);
                System.arraycopy(g, 0, w, tok * 2, kept);
            }
            gpu.ffn(x, gs, us, ds, split);
            gpu.routedExperts(x, 2, ids, w, gate, up, down, split);
            float[] a = new float[n * hidden], b = new float[n * hidden];
            gpu.read(fused, a);
            gpu.read(split, b);
            ErrorStats e = ErrorStats.of(b, a);
            assertTrue(e.within(1e-6), "split vs fused: " + e);
            for (Weight x0 : new Weight[] {router, gate, up, down, gs, us, ds}) gpu.release(x0);
            for (Activations x0 : new Activations[] {x, fused, split, logits}) gpu.release(x0);
        }
    }

    /** A recorded step replays with the token ids it is launched with, and says it is stale once scratch memory moved. */
    @Test
    void aRecordedStepTakesNewTokensUntilScratchMoves() throws Exception {
        int hidden = 64, ff = 32, vocab = 8;
        try (CudaBackend g = CudaBackend.on(EmulatedGpu.open(), CudaBackend.Options.defaults().withLog(m -> {}));
                Arena arena = Arena.ofShared()) {
            TestTensors t = new TestTensors(arena, new Random(3));
            Weight table = g.weight(t.matrix("embd", GgmlType.F32, hidden, vocab, 1));
            Weight gate = g.weight(t.matrix("gate", GgmlType.F32, hidden, ff, 1)), up = g.weight(t.matrix("up", GgmlType.F32, hidden, ff, 1));
            Weight down = g.weight(t.matrix("down", GgmlType.F32, ff, hidden, 1));
            Activations x = g.activations(1, hidden), acc = g.activations(1, hidden);
            IntConsumer step = id -> { // acc = E[id] + FFN(E[id]); the FFN's temporaries live in scratch
                g.embed(table, new int[] {id}, x);
                g.embed(table, new int[] {id}, acc);
                g.ffn(x, gate, up, down, acc);
            };
            float[] expected = new float[hidden], replayed = new float[hidden];
            step.accept(5);
            g.read(acc, expected);
            StepRecording recorder = g;
            try (RecordedStep r = recorder.record(1, () -> step.accept(2))) {
                assertTrue(r.current());
                g.poison(acc);
                r.launch(new int[] {5}, 0);
                g.read(acc, replayed);
                assertArrayEquals(expected, replayed);
                Activations wide = g.activations(3, hidden), wideAcc = g.activations(3, hidden);
                g.ffn(wide, gate, up, down, wideAcc); // three tokens need more scratch: it moves
                assertFalse(r.current());
                assertThrows(IllegalStateException.class, () -> r.launch(new int[] {5}, 0));
            }
        }
    }

    /** The CPU backend's softmax (float max, exp and sum in double). */
    private static void softmax(float[] x) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : x) max = Math.max(max, v);
        double sum = 0;
        for (int i = 0; i < x.length; i++) sum += x[i] = (float) Math.exp(x[i] - max);
        float inv = (float) (1.0 / sum);
        for (int i = 0; i < x.length; i++) x[i] *= inv;
    }
}
