package hy.cuda.selftest;

import hy.cuda.backend.CudaBackend;
import hy.runtime.backend.MoeWeights;
import hy.runtime.backend.Weight;
import hy.runtime.model.LayerWeights;
import hy.runtime.model.ModelWeights;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Frees a model's GPU weights (before its file is unmapped: the backend knows uploads by their mapped bytes); weights
 * of other backends (a hybrid placement's CPU part) are left alone.
 */
public final class Weights {
    private Weights() {}

    public static void release(CudaBackend gpu, ModelWeights w) {
        Set<Weight> all = Collections.newSetFromMap(new IdentityHashMap<>());
        all.add(w.tokenEmbd());
        all.add(w.outputNorm());
        all.add(w.output());
        for (LayerWeights l : w.layers()) {
            MoeWeights f = l.ffn();
            for (Weight x : new Weight[] {l.attnNorm(), l.wq(), l.wk(), l.wv(), l.wo(), l.qNorm(), l.kNorm(), l.ffnNorm(), f.router(),
                    f.gateExps(), f.upExps(), f.downExps(), f.gateShared(), f.upShared(), f.downShared()}) {
                all.add(x);
            }
        }
        for (Weight x : all) if (gpu.owns(x)) gpu.release(x);
    }
}
