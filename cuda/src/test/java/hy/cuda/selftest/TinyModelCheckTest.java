package hy.cuda.selftest;

import static org.junit.jupiter.api.Assertions.*;

import hy.runtime.gguf.GgufFile;
import hy.runtime.model.HunyuanConfig;
import hy.runtime.tensor.GgmlType;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The self-test's synthetic model is written and read back with the shape it promises (no GPU involved). */
class TinyModelCheckTest {
    @Test
    void syntheticModelHasTheTinyShape(@TempDir Path tmp) throws Exception {
        for (GgmlType t : new GgmlType[] {GgmlType.F32, GgmlType.Q8_0, GgmlType.F16}) {
            try (GgufFile f = GgufFile.open(TinyModelCheck.synthesize(tmp, TinyModelCheck.TINY, t, 1))) {
                HunyuanConfig c = HunyuanConfig.fromGguf(f);
                assertEquals(TinyModelCheck.TINY.hiddenSize(), c.hiddenSize());
                assertEquals(TinyModelCheck.TINY.headDim(), c.headDim(), "head size 64 takes the tensor-core attention");
                assertEquals(TinyModelCheck.TINY.experts(), c.experts());
                assertEquals(TinyModelCheck.TINY.vocabSize(), c.vocabSize());
                assertEquals(t, f.tensorOrNull("blk.0.attn_q.weight").type());
            }
        }
    }
}
