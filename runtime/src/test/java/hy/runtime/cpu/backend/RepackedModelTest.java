package hy.runtime.cpu.backend;

import static org.junit.jupiter.api.Assertions.*;

import hy.runtime.convert.ProgressListener;
import hy.runtime.convert.TypePlan;
import hy.runtime.engine.LoadedModel;
import hy.runtime.engine.ModelSource;
import hy.runtime.engine.Session;
import hy.runtime.model.HunyuanConfig;
import hy.runtime.model.LogitsMode;
import hy.runtime.tensor.GgmlType;
import org.junit.jupiter.api.Test;

/**
 * The whole forward pass with weights repacked (-rtr) against the same weights used in place: packed kernels read
 * the same blocks in another order, so the logits agree to float rounding (and activation-quantization block size).
 */
class RepackedModelTest {
    // Rows of 1024 so that the packed layouts apply; small enough to build in a test.
    static final HunyuanConfig SHAPE = new HunyuanConfig(466, 1024, 2, 8, 2, 128, 4, 2, 1024, 1024, 1e-5f,
            HunyuanConfig.ropeBase(10000, 1000, 128), 256);

    static float[] logits(GgmlType experts, boolean repack) {
        TypePlan types = TypePlan.of(GgmlType.Q8_0).withRule("_exps\\.", experts).pure(true);
        CpuBackend cpu = new CpuBackend(2, repack);
        try (LoadedModel m = LoadedModel.load(ModelSource.synthetic(SHAPE, types, 3, 2, ProgressListener.NONE), n -> cpu, cpu, 8);
             Session s = m.newSession(64, GgmlType.F32, GgmlType.F32)) {
            return s.evaluate(new int[] {1, 17, 200, 5, 99, 300, 42, 7}, LogitsMode.ALL);
        }
    }

    @Test
    void packedQ4_0AndQ4_KMatchInPlace() {
        for (GgmlType t : new GgmlType[] {GgmlType.Q4_0, GgmlType.Q4_K}) {
            float[] a = logits(t, false), b = logits(t, true);
            double maxAbs = 0, maxDiff = 0;
            for (int i = 0; i < a.length; i++) {
                maxAbs = Math.max(maxAbs, Math.abs(a[i]));
                maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
            }
            assertTrue(maxAbs > 0);
            assertTrue(maxDiff <= 0.02 * maxAbs, t + ": packed vs in place differ by " + maxDiff + " (max |logit| " + maxAbs + ")");
        }
    }
}
