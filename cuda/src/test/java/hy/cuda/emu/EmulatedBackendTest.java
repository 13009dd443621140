package hy.cuda.emu;

import static org.junit.jupiter.api.Assertions.*;

import hy.cuda.backend.CudaBackend;
import hy.cuda.kernels.KvFormat;
import hy.cuda.kernels.WeightFormat;
import hy.cuda.selftest.OpChecks;
import hy.cuda.selftest.OpResult;
import hy.cuda.selftest.TinyModelCheck;
import hy.runtime.testing.HfTiny;
import hy.runtime.tensor.GgmlType;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import hy.runtime.backend.ExpertSelection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The whole CUDA backend, unchanged, on the kernel emulator (EmulatedGpu) against the CPU backend: what the GPU
 * self-test checks, at shapes small enough for the emulator. Catches wrong buffers, offsets, arguments and step
 * inputs without a GPU.
 */
class EmulatedBackendTest {
    static CudaBackend gpu;

    @BeforeAll
    static void open() throws Exception {
        gpu = CudaBackend.on(EmulatedGpu.open(), CudaBackend.Options.defaults().withLog(m -> {}));
    }

    @AfterAll
    static void close() {
        if (gpu != null) gpu.close();
    }

    private static void assertAll(List<OpResult> results) {
        StringBuilder failed = new StringBuilder();
        for (OpResult r : results) {
            System.out.println(r.row());
            if (!r.passed()) failed.append(r.row()).append('\n');
        }
        assertEquals("", failed.toString());
    }

    @Test
    void elementOpsMatchTheCpu() {
        OpChecks c = new OpChecks(gpu, System.nanoTime(), false);
        assertAll(List.of(c.embed(WeightFormat.Q4_K), c.embed(WeightFormat.BF16), c.rmsNorm(64, 3), c.ropeNorm(4, 16, 2, 77),
                c.ropeNorm(2, 128, 2, 200_000), c.add(3, 64)));
    }

    @Test
    void productsMatchTheCpu() {
        OpChecks c = new OpChecks(gpu, System.nanoTime(), false);
        List<OpResult> r = new ArrayList<>();
        for (WeightFormat f : new WeightFormat[] {WeightFormat.F32, WeightFormat.Q4_0, WeightFormat.Q6_K}) {
            for (int n : new int[] {1, 3, 9, 70}) r.add(c.matmul(f, 40, f.type.blockSize == 256 ? 256 : 64, n));
        }
        assertAll(r);
    }

    @Test
    void attentionOverAGrowingCacheMatchesTheCpu() {
        OpChecks c = new OpChecks(gpu, System.nanoTime(), false);
        List<OpResult> r = new ArrayList<>();
        r.addAll(c.attention(KvFormat.F16, 4, 2, 64, new int[] {70, 1, 3}));
        r.addAll(c.attention(KvFormat.Q8_0, 4, 2, 16, new int[] {20, 1}));
        r.addAll(c.attention(KvFormat.F32, 2, 1, 32, new int[] {12, 1}));
        assertAll(r);
    }

    /** Experts copied from host memory into the staging slots, three layers through two slots. */
    @Test
    void stagedExpertsMatchTheCpu() {
        OpChecks c = new OpChecks(gpu, System.nanoTime(), false);
        long before = gpu.stagedBytes();
        assertAll(List.of(c.stagedMoe(WeightFormat.Q4_0, 40, 64, 32, 16), c.stagedMoe(WeightFormat.Q8_0, 3, 64, 32, 16)));
        assertTrue(gpu.stagedBytes() > before, "the experts were copied into staging");
    }

    /** hf_tiny through HunyuanModel on both backends: logits, greedy tokens, and the decode step replayed as a graph. */
    @Test
    @Tag("slow")
    void wholeModelAndGraphReplayMatchTheCpu(@TempDir Path tmp) throws Exception {
        TinyModelCheck.Report r = TinyModelCheck.run("hf_tiny F32 (emulated)", HfTiny.convert(tmp, GgmlType.F32), gpu, GgmlType.F32, 12, 6, 5);
        System.out.println(r.line());
        assertTrue(r.passed(true, 1e-4), r.line());
        TinyModelCheck.Report q = TinyModelCheck.run("hf_tiny Q8_0 (emulated)", HfTiny.convert(tmp, GgmlType.Q8_0), gpu, GgmlType.F16, 12, 6, 6);
        System.out.println(q.line());
        assertTrue(q.passed(false, 2e-2), q.line());
    }

    @Test
    void moeMatchesTheCpu() {
        OpChecks c = new OpChecks(gpu, System.nanoTime(), false);
        assertAll(List.of(c.moe(WeightFormat.Q8_0, 3, ExpertSelection.topK(2), 64, 32, 8),
                c.moe(WeightFormat.F32, 2, new ExpertSelection(4, 1, 0.5f), 64, 32, 8),
                c.moe(WeightFormat.Q4_0, 20, ExpertSelection.topK(2), 64, 32, 8)));
    }
}
