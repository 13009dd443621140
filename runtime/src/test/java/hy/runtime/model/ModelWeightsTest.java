package hy.runtime.model;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import hy.runtime.backend.Backend;
import hy.runtime.convert.SyntheticModel;
import hy.runtime.convert.TypePlan;
import hy.runtime.cpu.backend.CpuBackend;
import hy.runtime.gguf.GgufFile;
import hy.runtime.tensor.GgmlType;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelWeightsTest {
    @TempDir
    Path dir;

    /** The tied output costs no second copy when one backend runs the embedding and the output. */
    @Test
    void aTiedOutputSharesTheEmbeddingsWeightOnOneBackend() throws Exception {
        HunyuanConfig c = new HunyuanConfig(300, 64, 1, 4, 2, 16, 8, 2, 32, 32, 1e-5f, 1e4, 4096);
        Path f = dir.resolve("m.gguf");
        SyntheticModel.write(f, c, TypePlan.of(GgmlType.F32), 3, SyntheticModel.Options.defaults(c).withThreads(1));
        Backend a = new CpuBackend(), b = new CpuBackend();
        try (GgufFile g = GgufFile.open(f)) {
            ModelWeights same = ModelWeights.load(c, g::tensorOrNull, name -> a);
            assertSame(same.tokenEmbd(), same.output());
            ModelWeights split = ModelWeights.load(c, g::tensorOrNull, name -> name.equals(TensorNames.OUTPUT) ? b : a);
            assertNotSame(split.tokenEmbd(), split.output());
            assertSame(split.tokenEmbd().tensor(), split.output().tensor());
        }
    }
}
