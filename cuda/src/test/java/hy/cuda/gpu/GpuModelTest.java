package hy.cuda.gpu;

import static org.junit.jupiter.api.Assertions.*;

import hy.cuda.backend.CudaBackend;
import hy.cuda.selftest.TinyModelCheck;
import hy.cuda.selftest.Weights;
import hy.runtime.engine.Session;
import hy.runtime.gguf.GgufFile;
import hy.runtime.model.HunyuanConfig;
import hy.runtime.model.HunyuanModel;
import hy.runtime.model.LogitsMode;
import hy.runtime.model.ModelWeights;
import hy.runtime.testing.HfTiny;
import hy.runtime.tensor.GgmlType;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole models on the GPU: ../shared/testdata/hf_tiny (transformers' reference) and a synthetic model whose head size
 * takes the tensor-core attention; logits against the CPU backend and the reference, greedy continuations, graph
 * replay.
 */
@Tag("gpu")
class GpuModelTest {
    @TempDir
    static Path tmp;
    static CudaBackend gpu;

    @BeforeAll
    static void open() {
        gpu = GpuAvailable.open();
    }

    @BeforeEach
    void requireGpu() {
        GpuAvailable.require(gpu);
    }

    @AfterAll
    static void close() {
        if (gpu != null) gpu.close();
    }

    @Test
    void hfTinyF32MatchesTheCpuExactlyEnoughForIdenticalGreedyText() throws Exception {
        Path f32 = HfTiny.convert(tmp, GgmlType.F32);
        TinyModelCheck.Report r = TinyModelCheck.run("hf_tiny F32", f32, gpu, GgmlType.F32, 48, 64, 1);
        System.out.println(r.line());
        assertTrue(r.passed(true, 1e-4), r.line());
    }

    @Test
    void hfTinyLogitsMatchTransformersOnTheGpu() throws Exception {
        HfTiny ref = HfTiny.reference();
        try (GgufFile f = GgufFile.open(HfTiny.convert(tmp, GgmlType.F32))) {
            HunyuanConfig cfg = HunyuanConfig.fromGguf(f);
            ModelWeights w = ModelWeights.load(cfg, f::tensorOrNull, n -> gpu);
            HunyuanModel m = new HunyuanModel(cfg, gpu, w, 64);
            try (AutoCloseable release = () -> Weights.release(gpu, w); Session s = new Session(m, 256, GgmlType.F32, GgmlType.F32)) {
                float[] got = s.evaluate(ref.tokenIds, LogitsMode.ALL);
                int vocab = ref.logits[0].length;
                double maxAbs = 0, maxDiff = 0;
                for (int p = 0; p < ref.logits.length; p++) {
                    int best = 0;
                    for (int i = 0; i < vocab; i++) {
                        maxAbs = Math.max(maxAbs, Math.abs(ref.logits[p][i]));
                        maxDiff = Math.max(maxDiff, Math.abs(ref.logits[p][i] - got[p * vocab + i]));
                        if (got[p * vocab + i] > got[p * vocab + best]) best = i;
                    }
                    assertEquals(ref.top5[p][0], best, "top-1 at position " + p);
                }
                assertTrue(maxDiff <= 1e-4 * maxAbs, "max |logit difference| " + maxDiff + " > 1e-4 × " + maxAbs);
            }
        }
    }

    @Test
    void hfTinyQuantizedStaysClose() throws Exception {
        for (GgmlType t : new GgmlType[] {GgmlType.Q8_0, GgmlType.F16}) {
            TinyModelCheck.Report r = TinyModelCheck.run("hf_tiny " + t, HfTiny.convert(tmp, t), gpu, GgmlType.F16, 48, 64, 2);
            System.out.println(r.line());
            assertTrue(r.passed(false, 2e-2), r.line());
        }
    }

    @Test
    void syntheticModelWithTensorCoreAttention() throws Exception {
        for (GgmlType t : new GgmlType[] {GgmlType.F32, GgmlType.Q8_0}) {
            Path gguf = TinyModelCheck.synthesize(tmp, TinyModelCheck.TINY, t, 3);
            TinyModelCheck.Report r = TinyModelCheck.run("synthetic " + t, gguf, gpu, t == GgmlType.F32 ? GgmlType.F32 : GgmlType.F16, 100, 64, 3);
            System.out.println(r.line());
            assertTrue(r.passed(t == GgmlType.F32, t == GgmlType.F32 ? 1e-4 : 2e-2), r.line());
        }
    }
}
