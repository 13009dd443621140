package hy.runtime.model;

import hy.runtime.backend.Backend;
import hy.runtime.backend.MoeWeights;
import hy.runtime.backend.Weight;
import hy.runtime.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * All weights of a Hunyuan model, each prepared by the backend chosen for it. {@code output} is the token embedding
 * unless the file carries a separate output.weight.
 */
public record ModelWeights(Weight tokenEmbd, Weight outputNorm, Weight output, List<LayerWeights> layers) {

    /**
     * Looks every tensor up by its llama.cpp name and hands it to {@code backendFor(name)}'s {@link Backend#weight}.
     * {@code tensors} returns null for a missing tensor; required ones then fail with the tensor's name.
     */
    public static ModelWeights load(HunyuanConfig cfg, Function<String, Tensor> tensors, Function<String, Backend> backendFor) {
        Loader l = new Loader(tensors, backendFor);
        long h = cfg.hiddenSize(), v = cfg.vocabSize(), e = cfg.experts(), ff = cfg.expertFf(), sff = cfg.sharedFf();
        Weight embd = l.get(TensorNames.TOKEN_EMBD, h, v);
        Weight outNorm = l.get(TensorNames.OUTPUT_NORM, h);
        Weight output = tensors.apply(TensorNames.OUTPUT) != null ? l.get(TensorNames.OUTPUT, h, v) : l.tied(embd);
        List<LayerWeights> layers = new ArrayList<>(cfg.layers());
        for (int i = 0; i < cfg.layers(); i++) {
            layers.add(new LayerWeights(
                    l.get(TensorNames.attnNorm(i), h), l.get(TensorNames.attnQ(i), h, cfg.qDim()),
                    l.get(TensorNames.attnK(i), h, cfg.kvDim()), l.get(TensorNames.attnV(i), h, cfg.kvDim()),
                    l.get(TensorNames.attnOutput(i), cfg.qDim(), h), l.get(TensorNames.attnQNorm(i), cfg.headDim()),
                    l.get(TensorNames.attnKNorm(i), cfg.headDim()), l.get(TensorNames.ffnNorm(i), h),
                    new MoeWeights(l.get(TensorNames.ffnGateInp(i), h, e), l.get(TensorNames.ffnGateExps(i), h, ff, e),
                            l.get(TensorNames.ffnUpExps(i), h, ff, e), l.get(TensorNames.ffnDownExps(i), ff, h, e),
                            l.get(TensorNames.ffnGateShexp(i), h, sff), l.get(TensorNames.ffnUpShexp(i), h, sff),
                            l.get(TensorNames.ffnDownShexp(i), sff, h))));
        }
        return new ModelWeights(embd, outNorm, output, List.copyOf(layers));
    }

    private record Loader(Function<String, Tensor> tensors, Function<String, Backend> backendFor) {
        Weight get(String name, long... shape) {
            Tensor t = tensors.apply(name);
            if (t == null) throw new IllegalArgumentException("model file has no tensor '" + name + "'");
            long[] ne = t.ne();
            boolean ok = ne.length >= shape.length;
            for (int d = 0; d < Math.max(ne.length, shape.length); d++) ok &= t.ne(d) == (d < shape.length ? shape[d] : 1);
            if (!ok) {
                throw new IllegalArgumentException("tensor '" + name + "' has shape " + java.util.Arrays.toString(ne)
                        + " but the model's metadata implies " + java.util.Arrays.toString(shape));
            }
            return backendFor.apply(name).weight(t);
        }

        /**
         * The output projection tied to the embedding: the embedding's own weight when one backend runs both (one
         * copy, as the placement plan counts it), else prepared again for the backend that runs the output.
         */
        Weight tied(Weight embd) {
            Backend b = backendFor.apply(TensorNames.OUTPUT);
            return b == backendFor.apply(TensorNames.TOKEN_EMBD) ? embd : b.weight(embd.tensor());
        }
    }
}
