package hy.runtime.cpu.backend;

import static org.junit.jupiter.api.Assertions.*;

import hy.runtime.convert.SyntheticModel;
import hy.runtime.convert.TypePlan;
import hy.runtime.engine.LoadedModel;
import hy.runtime.engine.ModelSource;
import hy.runtime.engine.Session;
import hy.runtime.model.LogitsMode;
import hy.runtime.tensor.GgmlType;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --no-mmap: the CPU's matrices copied out of the mapped file (into huge-page memory) give the same logits as the
 * mapped file itself: the same kernels read the same bytes.
 */
class CopiedWeightsTest {
    @TempDir
    Path dir;

    static float[] logits(Path file, boolean copy) throws Exception {
        CpuBackend cpu = new CpuBackend(2, false, copy);
        try (LoadedModel m = LoadedModel.load(ModelSource.open(file), n -> cpu, cpu, 8);
             Session s = m.newSession(64, GgmlType.F32, GgmlType.F32)) {
            return s.evaluate(new int[] {1, 17, 200, 5, 99, 300, 42, 7}, LogitsMode.ALL);
        }
    }

    /**
     * The same command several times gives the same bits (every float reduction has a fixed order: Simd.sum, whose
     * own test covers the JIT tiers, and the native kernels).
     */
    @Test
    void repeatedRunsAreBitIdentical() throws Exception {
        Path file = dir.resolve("d.gguf");
        SyntheticModel.write(file, RepackedModelTest.SHAPE, TypePlan.of(GgmlType.Q8_0).withRule("_exps\\.", GgmlType.Q4_0).pure(true), 9);
        float[] first = logits(file, false);
        for (int run = 0; run < 4; run++) assertArrayEquals(first, logits(file, false), "run " + run);
        assertArrayEquals(first, logits(file, true), "weights copied out of the mapping");
    }

    @Test
    void copiedWeightsGiveTheMappedFilesLogits() throws Exception {
        Path file = dir.resolve("m.gguf");
        SyntheticModel.write(file, RepackedModelTest.SHAPE, TypePlan.of(GgmlType.Q8_0).withRule("_exps\\.", GgmlType.Q4_0).pure(true), 5);
        float[] mapped = logits(file, false), copied = logits(file, true);
        assertTrue(mapped.length > 0 && Math.abs(mapped[0]) > 0);
        // a last-bit difference may flip a near-tie in the router of these random weights: compare like -rtr does
        double maxAbs = 0, maxDiff = 0;
        for (int i = 0; i < mapped.length; i++) {
            maxAbs = Math.max(maxAbs, Math.abs(mapped[i]));
            maxDiff = Math.max(maxDiff, Math.abs(mapped[i] - copied[i]));
        }
        assertTrue(maxDiff <= 0.02 * maxAbs, "copied vs mapped differ by " + maxDiff + " (max |logit| " + maxAbs + ")");
    }
}
