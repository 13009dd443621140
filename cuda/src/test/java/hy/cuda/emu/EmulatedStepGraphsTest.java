package hy.cuda.emu;

import static org.junit.jupiter.api.Assertions.*;

import hy.cuda.backend.CudaBackend;
import hy.runtime.backend.Backend;
import hy.runtime.convert.ProgressListener;
import hy.runtime.convert.TypePlan;
import hy.runtime.cpu.backend.CpuBackend;
import hy.runtime.engine.ModelSource;
import hy.runtime.engine.Session;
import hy.runtime.model.HunyuanConfig;
import hy.runtime.model.HunyuanModel;
import hy.runtime.model.ModelWeights;
import hy.runtime.tensor.GgmlType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * HunyuanModel decoding through CUDA graphs on the kernel emulator: replayed steps give bit for bit the logits of the
 * same steps issued op by op and the CPU backend's greedy tokens, and a graph is captured again after a larger batch
 * moved the scratch memory it holds. Slow even at this size (about 30 s): the emulator runs a few thousand CUDA threads
 * per second.
 */
class EmulatedStepGraphsTest {
    private static final HunyuanConfig TINY = new HunyuanConfig(32, 32, 1, 2, 2, 16, 4, 2, 32, 32, 1e-5f, 10000, 48);
    private static final int STEPS = 12, LARGER_BATCH_AT = 6;
    private static final int[] PROMPT = {11, 30, 7, 5}, LONG_PROMPT = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

    @Test
    @Tag("slow")
    void graphedDecodeMatchesOpByOpAndTheCpu() throws Exception {
        try (ModelSource src = ModelSource.synthetic(TINY, TypePlan.of(GgmlType.F32), 11, 1, ProgressListener.NONE);
                CudaBackend gpu = CudaBackend.on(EmulatedGpu.open(), CudaBackend.Options.defaults().withLog(m -> {}));
                Backend cpu = CpuBackend.floatReference(1)) {
            HunyuanModel graphed = model(src, gpu, true), direct = model(src, gpu, false), reference = model(src, cpu, false);
            List<float[]> replayed = new ArrayList<>();
            try (Session s = session(graphed); Session other = session(graphed)) {
                for (int i = 0; i < STEPS; i++) {
                    if (i == LARGER_BATCH_AT) other.prefill(LONG_PROMPT); // scratch grows and moves: the graph is stale
                    replayed.add(s.append(argmax(s.logits())).clone());
                }
            }
            graphed.dropStepGraphs();
            assertEquals(STEPS - 2, graphed.replayedSteps(), "every step but the first and the one after the larger batch is replayed");
            List<float[]> opByOp = decode(direct);
            for (int i = 0; i < STEPS; i++) assertArrayEquals(opByOp.get(i), replayed.get(i), "logits of step " + i);
            assertArrayEquals(tokens(decode(reference)), tokens(replayed), "greedy tokens of the CPU backend");
        }

    }

    private static HunyuanModel model(ModelSource src, Backend b, boolean graphs) {
        HunyuanModel m = new HunyuanModel(TINY, b, ModelWeights.load(TINY, src::tensor, n -> b), LONG_PROMPT.length);
        m.setStepGraphs(graphs);
        return m;
    }

    private static Session session(HunyuanModel m) {
        Session s = new Session(m, TINY.contextLength(), GgmlType.F32, GgmlType.F32);
        s.prefill(PROMPT);
        return s;
    }

    /** The prompt, then {@link #STEPS} greedy tokens; each step's logits. */
    private static List<float[]> decode(HunyuanModel m) {
        try (Session s = session(m)) {
            List<float[]> out = new ArrayList<>();
            for (int i = 0; i < STEPS; i++) out.add(s.append(argmax(s.logits())).clone());
            return out;
        }
    }

    private static int[] tokens(List<float[]> logits) {
        return logits.stream().mapToInt(EmulatedStepGraphsTest::argmax).toArray();
    }

    private static int argmax(float[] v) {
        int b = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[b]) b = i;
        return b;
    }
}
