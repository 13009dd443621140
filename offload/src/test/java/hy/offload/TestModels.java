package hy.offload;

import hy.runtime.convert.HunyuanTensors;
import hy.runtime.convert.SyntheticModel;
import hy.runtime.convert.TensorPlan;
import hy.runtime.convert.TypePlan;
import hy.runtime.model.HunyuanConfig;
import hy.runtime.tensor.GgmlType;
import java.util.List;

/** Inventories for tests: a tiny shape with F32 weights, and the released A13B shape as typically quantized. */
final class TestModels {
    private TestModels() {}

    static final long GIB = 1L << 30;

    /** hidden 64, 4 heads of 16 (2 KV heads), 8 experts (top 2) of width 32, vocab 1000. */
    static HunyuanConfig tinyConfig(int layers) {
        return new HunyuanConfig(1000, 64, layers, 4, 2, 16, 8, 2, 32, 32, 1e-5f, 1e4, 4096);
    }

    static ModelInventory tiny(int layers) {
        HunyuanConfig c = tinyConfig(layers);
        return ModelInventory.of(c, SyntheticModel.plan(c, TypePlan.of(GgmlType.F32)), "tiny");
    }

    /** The tiny shape with a separate output.weight (untied). */
    static ModelInventory tinyUntied(int layers) {
        HunyuanConfig c = tinyConfig(layers);
        return ModelInventory.of(c, TensorPlan.of(TypePlan.of(GgmlType.F32), HunyuanTensors.of(c, false)), "tiny untied");
    }

    /** Hunyuan-A13B with Q4_0 routed experts and Q8_0 elsewhere (norms and router F32). */
    static ModelInventory a13b() {
        HunyuanConfig c = HunyuanConfig.A13B;
        return ModelInventory.of(c, SyntheticModel.plan(c, TypePlan.of(GgmlType.Q8_0).withRule("_exps", GgmlType.Q4_0)), "A13B");
    }

    static PlacementRequest request(int ctx, long budget) {
        return PlacementRequest.defaults(ctx, budget);
    }

    static List<PlacementRule> rules(String... specs) {
        return PlacementRule.parseAll(List.of(specs));
    }
}
