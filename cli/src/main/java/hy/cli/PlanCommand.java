package hy.cli;

import hy.offload.ModelInventory;
import hy.offload.PlacementAdvisor;
import hy.offload.PlacementPlan;
import hy.runtime.convert.SyntheticModel;
import hy.runtime.convert.TypePlan;
import hy.runtime.gguf.GgufFile;
import hy.runtime.model.HunyuanConfig;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hy plan}: where every tensor goes under the placement flags and what each device needs, without loading
 * anything; exits 1 with flags that fit when the GPU budget is too small.
 */
@Command(name = "plan", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Show where each part of the model goes (CPU or CUDA0) under -ngl/-ot/--cpu-moe/--n-cpu-moe/--auto,",
                "the VRAM it needs (weights, KV cache, scratch) against the budget, and flags that fit when it does not."})
final class PlanCommand implements Callable<Integer> {
    /** How many alternatives to print when the plan does not fit. */
    static final int SUGGESTIONS = 4;

    @Spec
    CommandSpec spec;

    @Option(names = "--tensors", description = "also list every tensor with its type, size, device and the flag that placed it")
    boolean listTensors;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    SyntheticOptions synthetic;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        if (synthetic.enabled == (modelOptions.model != null)) throw new IllegalArgumentException("give either -m FILE or --synthetic");
        long budget = PlacementSetup.budget(modelOptions, GpuMemory.free());
        PlacementPlan plan;
        if (synthetic.enabled) {
            plan = plan(syntheticInventory(), budget);
        } else {
            try (GgufFile f = GgufFile.open(modelOptions.model)) {
                plan = plan(ModelInventory.of(f), budget);
            }
        }
        if (budget == 0 && modelOptions.gpuMem == null) {
            err.println("hy: no CUDA device found: planning without a GPU (give --gpu-mem SIZE to plan for one)");
        }
        PlanReport.print(plan, modelOptions.autoPlacement, out);
        if (listTensors) PlanReport.printTensors(plan, out);
        if (plan.fits()) return 0;
        out.println();
        List<PlacementAdvisor.Suggestion> suggestions = PlacementAdvisor.suggest(plan.inventory(), plan.request(), SUGGESTIONS);
        for (String line : PlacementAdvisor.adviceLines(plan, suggestions)) out.println(line);
        err.println("hy: error: the placement does not fit the GPU budget (" + hy.offload.MemorySize.gib(plan.overflowBytes()) + " GiB over" + "); see the suggestions above");
        return ErrorHandler.EXIT_ERROR;
    }

    private PlacementPlan plan(ModelInventory inv, long budget) {
        int c = modelOptions.contextLength == null ? 4096 : modelOptions.contextLength;
        if (c < 0) throw new IllegalArgumentException("-c must be >= 0");
        return PlacementSetup.plan(modelOptions, inv, c == 0 ? inv.config().contextLength() : c, budget);
    }

    private ModelInventory syntheticInventory() {
        HunyuanConfig c = synthetic.config();
        TypePlan types = synthetic.types();
        String what = "synthetic Hunyuan-A13B shape" + (synthetic.layers == null ? "" : " with " + c.layers() + " layers") + ", "
                + synthetic.type.toUpperCase(Locale.ROOT) + ", routed experts " + synthetic.expertsType.toUpperCase(Locale.ROOT);
        return ModelInventory.of(c, SyntheticModel.plan(c, types), what);
    }
}
