package hy.cuda.kernels;

import static org.junit.jupiter.api.Assertions.*;

import hy.cuda.KernelArgs;
import hy.cuda.PtxCheckingRunner;
import hy.cuda.PtxModule;
import hy.runtime.backend.ExpertSelection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every launcher, driven over every format and the batch sizes that switch kernels, launches kernels that exist in the
 * packaged PTX with arguments of the declared types; and every kernel in the PTX is reachable from some launcher.
 */
class LaunchersAgainstPtxTest {
    private final PtxCheckingRunner runner = new PtxCheckingRunner();
    private static final long A = 0x7f00_0000_0000L; // a plausible device address

    @Test
    void linearPicksMatvecForSmallBatchesAndF32() {
        LinearLauncher l = new LinearLauncher(runner);
        l.linear(WeightFormat.Q4_0, A, 2304, 4096, 4096, A + 1024, 1, A + 4096);
        assertEquals("matvec_q4_0_n1", runner.last().kernel());
        l.linear(WeightFormat.Q4_0, A, 2304, 4096, 4096, A, 3, A);
        assertEquals("matvec_q4_0_n4", runner.last().kernel());
        assertEquals(1, runner.last().config().gridZ());
        l.linear(WeightFormat.Q4_0, A, 2304, 4096, 4096, A, 9, A);
        assertEquals("matmul_q4_0", runner.last().kernel());
        l.linear(WeightFormat.F32, A, 16384, 4096, 64, A, 512, A);
        assertEquals("matvec_f32_n8", runner.last().kernel(), "F32 weights stay in float32 arithmetic");
        assertEquals(64, runner.last().config().gridZ());
        List<KernelArgs.Arg> args = runner.last().args().list();
        assertEquals(128, args.get(2).bits(), "units per row");
        assertEquals(64, args.get(3).bits(), "rows");
        assertEquals(512, args.get(5).bits(), "tokens");
    }

    @Test
    void attentionPicksTensorCoresOnlyForPromptsWithAHalfCacheAndKnownHeadSize() {
        assertTrue(AttentionLauncher.usesTensorCores(KvFormat.F16, 128, 9));
        assertFalse(AttentionLauncher.usesTensorCores(KvFormat.F16, 128, 8));
        assertFalse(AttentionLauncher.usesTensorCores(KvFormat.F32, 128, 512));
        assertFalse(AttentionLauncher.usesTensorCores(KvFormat.Q8_0, 16, 512));
        var heads = new AttentionLauncher.Heads(32, 8, 128);
        assertEquals(0, AttentionLauncher.scratchFloats(KvFormat.F16, heads, 100, 4096));
        assertEquals(KernelGeometry.attentionPartialFloats(1, 32, 8, 128), AttentionLauncher.scratchFloats(KvFormat.F16, heads, 1, 4096));
        assertEquals(KernelGeometry.attentionPartialFloats(100, 32, 1, 128), AttentionLauncher.scratchFloats(KvFormat.F32, heads, 100, 4096));
        assertThrows(IllegalArgumentException.class, () -> new AttentionLauncher.Heads(32, 2, 128), "16 heads per KV head");
        assertThrows(IllegalArgumentException.class, () -> new AttentionLauncher.Heads(4, 2, 512));
    }

    @Test
    void everyKernelInThePtxIsLaunchedBySomeLauncher() {
        exerciseEverything();
        Set<String> launched = new HashSet<>();
        runner.launches.forEach(l -> launched.add(l.kernel()));
        Set<String> missing = new TreeSet<>();
        for (PtxModule m : PtxModule.values()) {
            for (String k : PtxCheckingRunner.signatures(m).keySet()) if (!launched.contains(k)) missing.add(k);
        }
        // matmul_f32 exists for completeness; F32 weights deliberately stay on the float32 matvec path.
        missing.remove("matmul_f32");
        missing.remove("moe_matmul_f32");
        assertEquals(Set.of(), missing, "kernels no launcher reaches");
    }

    private void exerciseEverything() {
        LinearLauncher linear = new LinearLauncher(runner);
        EmbedLauncher embed = new EmbedLauncher(runner);
        MoeLauncher moe = new MoeLauncher(runner);
        for (WeightFormat f : WeightFormat.values()) {
            long rowBytes = f.type.rowBytes(4096);
            for (int n : new int[] {1, 2, 4, 8, 64}) linear.linear(f, A, rowBytes, 4096, 1024, A, n, A);
            embed.embed(f, A, rowBytes, 4096, A, 3, A);
            for (boolean mv : new boolean[] {true, false}) {
                moe.products(f, mv, A, rowBytes, rowBytes * 3072, 4096, 3072, A, A, A, A, A, 64, 10, A);
                moe.products(f, mv, A, rowBytes, rowBytes * 3072, 4096, 3072, A, 0, A, A, A, 64, 10, A);
            }
        }
        moe.route(A, 5, 64, ExpertSelection.topK(8), A, A);
        moe.sort(A, A, 5, 8, 64, A, A, A, A, A, A);
        moe.combine(A, A, A, A, A, 8, 4096, 5);
        NormLauncher norms = new NormLauncher(runner);
        norms.rmsNorm(A, A, 1e-5f, A, 4096, 3);
        norms.ropeNorm(A, 32, 128, A, A, A, 1e-5f, 3);
        ElementwiseLauncher e = new ElementwiseLauncher(runner);
        e.add(A, A, 4096);
        e.swiglu(A, A, A, 4096);
        e.toF16(A, A, 4096);
        e.toBf16(A, A, 4096);
        AttentionLauncher att = new AttentionLauncher(runner);
        for (KvFormat f : KvFormat.values()) {
            att.store(f, A, A, A, A, f.rowBytes(1024), A, 3, 1024);
            for (int hd : new int[] {64, 128}) {
                var heads = new AttentionLauncher.Heads(32, 8, hd);
                att.attend(f, heads, A, A, A, f.rowBytes(8 * hd), A, 1, 4096, A, A);
                att.attend(f, heads, A, A, A, f.rowBytes(8 * hd), A, 100, 4096, A, A);
            }
        }
    }

    @Test
    void ropeRejectsHeadsTheKernelCannotHold() {
        NormLauncher norms = new NormLauncher(runner);
        assertThrows(IllegalArgumentException.class, () -> norms.ropeNorm(A, 1, 258, A, A, A, 1e-5f, 1));
        assertThrows(IllegalArgumentException.class, () -> norms.ropeNorm(A, 1, 15, A, A, A, 1e-5f, 1));
    }
}
