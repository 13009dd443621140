package hy.runtime.convert;

import static hy.runtime.model.TensorNames.*;

import hy.runtime.convert.ModelTensor.Role;
import hy.runtime.model.HunyuanConfig;
import java.util.ArrayList;
import java.util.List;

/** Every tensor a hunyuan-moe GGUF holds for a given shape, in the order llama.cpp's converter writes them. */
public final class HunyuanTensors {
    private HunyuanTensors() {}

    /** The tensors of a model with tied output (all released Hunyuan-A13B checkpoints). */
    public static List<ModelTensor> of(HunyuanConfig c) {
        return of(c, true);
    }

    /** The tensors; with {@code tiedOutput} false an {@code output.weight} {hidden, vocab} follows output_norm. */
    public static List<ModelTensor> of(HunyuanConfig c, boolean tiedOutput) {
        long h = c.hiddenSize(), q = c.qDim(), kv = c.kvDim(), e = c.experts(), ff = c.expertFf(), sff = c.sharedFf();
        List<ModelTensor> out = new ArrayList<>();
        out.add(new ModelTensor(TOKEN_EMBD, new long[] {h, c.vocabSize()}, Role.EMBEDDING));
        for (int l = 0; l < c.layers(); l++) {
            out.add(new ModelTensor(attnNorm(l), new long[] {h}, Role.NORM));
            out.add(new ModelTensor(attnQ(l), new long[] {h, q}, Role.ATTENTION));
            out.add(new ModelTensor(attnK(l), new long[] {h, kv}, Role.ATTENTION));
            out.add(new ModelTensor(attnV(l), new long[] {h, kv}, Role.ATTENTION));
            out.add(new ModelTensor(attnOutput(l), new long[] {q, h}, Role.ATTENTION));
            out.add(new ModelTensor(attnQNorm(l), new long[] {c.headDim()}, Role.NORM));
            out.add(new ModelTensor(attnKNorm(l), new long[] {c.headDim()}, Role.NORM));
            out.add(new ModelTensor(ffnNorm(l), new long[] {h}, Role.NORM));
            out.add(new ModelTensor(ffnGateInp(l), new long[] {h, e}, Role.ROUTER));
            out.add(new ModelTensor(ffnGateExps(l), new long[] {h, ff, e}, Role.EXPERTS));
            out.add(new ModelTensor(ffnUpExps(l), new long[] {h, ff, e}, Role.EXPERTS));
            out.add(new ModelTensor(ffnDownExps(l), new long[] {ff, h, e}, Role.EXPERTS));
            out.add(new ModelTensor(ffnGateShexp(l), new long[] {h, sff}, Role.SHARED_EXPERT));
            out.add(new ModelTensor(ffnUpShexp(l), new long[] {h, sff}, Role.SHARED_EXPERT));
            out.add(new ModelTensor(ffnDownShexp(l), new long[] {sff, h}, Role.SHARED_EXPERT));
        }
        out.add(new ModelTensor(OUTPUT_NORM, new long[] {h}, Role.NORM));
        if (!tiedOutput) out.add(new ModelTensor(OUTPUT, new long[] {h, c.vocabSize()}, Role.OUTPUT));
        return out;
    }
}
