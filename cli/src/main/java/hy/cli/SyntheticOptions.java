package hy.cli;

import hy.runtime.convert.TypePlan;
import hy.runtime.model.HunyuanConfig;
import hy.runtime.tensor.GgmlType;
import picocli.CommandLine.Option;

/**
 * --synthetic: random weights at the real A13B shape (or fewer layers) built in memory, so speed can be measured
 * without the 45 GB download. Default type mix: Q4_0 routed experts, Q8_0 elsewhere.
 */
final class SyntheticOptions {
    @Option(names = "--synthetic", description = "random weights at the real A13B shape, built in memory (no -m)")
    boolean enabled;

    @Option(names = "--synthetic-layers", paramLabel = "N", description = "with --synthetic: only N layers (default: 32)")
    Integer layers;

    @Option(names = "--synthetic-type", paramLabel = "TYPE", description = "with --synthetic: type of non-expert weights (default: q8_0)")
    String type = "q8_0";

    @Option(names = "--synthetic-experts-type", paramLabel = "TYPE", description = "with --synthetic: type of routed experts (default: q4_0)")
    String expertsType = "q4_0";

    HunyuanConfig config() {
        HunyuanConfig c = HunyuanConfig.A13B;
        if (layers != null) {
            if (layers < 1) throw new IllegalArgumentException("--synthetic-layers must be at least 1");
            c = c.withLayers(layers);
        }
        return c;
    }

    TypePlan types() {
        return TypePlan.of(parse(type, "--synthetic-type")).withRule("_exps\\.", parse(expertsType, "--synthetic-experts-type")).pure(true);
    }

    private static GgmlType parse(String name, String flag) {
        GgmlType t = GgmlType.byName(name);
        if (t == null) throw new IllegalArgumentException(flag + ": unknown type '" + name + "'");
        return t;
    }
}
