package hy.cli;

import hy.runtime.convert.ModelShapes;
import hy.runtime.convert.SyntheticModel;
import hy.runtime.convert.SyntheticVocabulary;
import hy.runtime.convert.TensorPlan;
import hy.runtime.convert.TypePlan;
import hy.runtime.model.HunyuanConfig;
import hy.runtime.tensor.GgmlType;
import hy.runtime.tokenizer.Vocabulary;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hy synth OUT.gguf}: a random-weights Hunyuan model of any shape and type mix. */
@Command(name = "synth", mixinStandardHelpOptions = true,
        description = {"Write a hunyuan-moe GGUF with random weights, deterministic from --seed:",
                "the real A13B shape by default, or any other. For speed tests without the",
                "45 GB download, and tiny models for tests and demos."})
final class SynthCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "OUT.gguf")
    Path out;

    @Option(names = "--shape", defaultValue = "a13b", description = "a13b (default) or tiny (hidden 64, 2 layers, 8 experts, vocab 512)")
    String shape;

    @Option(names = "--layers", paramLabel = "N", description = "blocks (a13b: 32)") Integer layers;
    @Option(names = "--hidden", paramLabel = "N", description = "embedding width (a13b: 4096)") Integer hidden;
    @Option(names = "--heads", paramLabel = "N", description = "attention heads (a13b: 32)") Integer heads;
    @Option(names = "--kv-heads", paramLabel = "N", description = "KV heads (a13b: 8)") Integer kvHeads;
    @Option(names = "--head-dim", paramLabel = "N", description = "head dimension (a13b: 128)") Integer headDim;
    @Option(names = "--experts", paramLabel = "N", description = "routed experts (a13b: 64)") Integer experts;
    @Option(names = "--experts-used", paramLabel = "N", description = "experts per token (a13b: 8)") Integer expertsUsed;
    @Option(names = "--ff", paramLabel = "N", description = "routed expert FFN width (a13b: 3072)") Integer ff;
    @Option(names = "--shared-ff", paramLabel = "N", description = "shared expert FFN width (default: --ff)") Integer sharedFf;
    @Option(names = "--vocab-size", paramLabel = "N", description = "vocabulary (a13b: 128167)") Integer vocabSize;
    @Option(names = "--ctx", paramLabel = "N", description = "context_length (a13b: 262144)") Integer ctx;

    @Option(names = "--type", paramLabel = "TYPE", converter = TypeOptions.TypeConverter.class, defaultValue = "q4_0",
            description = "weight type (default ${DEFAULT-VALUE}; the tied output gets Q6_K unless --pure)")
    GgmlType type;

    @Option(names = "--experts-type", paramLabel = "TYPE", converter = TypeOptions.TypeConverter.class,
            description = "type of the routed experts (ffn_*_exps), after any --override-type rule")
    GgmlType expertsType;

    @Option(names = "--seed", defaultValue = "1", description = "random seed (default ${DEFAULT-VALUE}); same seed, same bytes") long seed;

    @Option(names = "--vocab", paramLabel = "bytes|none|FILE", defaultValue = "bytes",
            description = {"tokenizer: 'bytes' (default): the 256 byte tokens and Hunyuan's specials,",
                    "so text in and out works; 'none': an ids-only model; or a tiktoken file",
                    "(hy.tiktoken) whose lowest ranks fill the vocabulary"})
    String vocab;

    @Option(names = "--name", defaultValue = "synthetic", description = "general.name") String name;

    @Option(names = "--dry-run", description = "print the tensor plan and size; write nothing")
    boolean dryRun;

    @Mixin
    TypeOptions types;

    @Override
    public Integer call() throws Exception {
        HunyuanConfig c = shape();
        List<TypePlan.Rule> rules = new ArrayList<>(types.rules);
        if (expertsType != null) rules.add(TypePlan.Rule.parse("_exps\\.weight$=" + expertsType.name()));
        TypePlan plan = TypePlan.of(type).withRules(rules).pure(types.pure);
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (dryRun) {
            printPlan(stdout, c, SyntheticModel.plan(c, plan));
            return 0;
        }
        ProgressBar bar = new ProgressBar(err);
        SyntheticModel.Options o = new SyntheticModel.Options(Threads.resolve(types.threads), vocabulary(c), name, bar);
        TensorPlan written = SyntheticModel.write(out, c, plan, seed, o);
        double seconds = bar.finish();
        Summary.print(stdout, err, out, written, seconds);
        if (o.vocabulary() == null) err.println("note: no tokenizer in " + out + " (ids only)");
        return 0;
    }

    private static void printPlan(PrintWriter out, HunyuanConfig c, TensorPlan p) {
        out.println(c);
        for (TensorPlan.Entry e : p.entries()) {
            out.printf("%-32s %-7s %-20s %s%n", e.tensor().name(), e.type(), Arrays.toString(e.tensor().ne()), ByteSizes.human(e.bytes()));
        }
        out.println("total " + ByteSizes.human(p.totalBytes()) + " of tensor data");
    }

    private Vocabulary vocabulary(HunyuanConfig c) throws IOException {
        return switch (vocab) {
            case "none" -> null;
            case "bytes" -> SyntheticVocabulary.bytes(c.vocabSize());
            default -> SyntheticVocabulary.fromTiktoken(Path.of(vocab), c.vocabSize());
        };
    }

    private HunyuanConfig shape() {
        HunyuanConfig b = ModelShapes.byName(shape);
        int f = ff != null ? ff : b.expertFf();
        return new HunyuanConfig(or(vocabSize, b.vocabSize()), or(hidden, b.hiddenSize()), or(layers, b.layers()), or(heads, b.heads()),
                or(kvHeads, b.kvHeads()), or(headDim, b.headDim()), or(experts, b.experts()), or(expertsUsed, b.expertsUsed()), f,
                sharedFf != null ? sharedFf : ff != null ? f : b.sharedFf(), b.rmsEps(),
                HunyuanConfig.ropeBase(10000.0, 1000.0, or(headDim, b.headDim())), or(ctx, b.contextLength()));
    }

    private static int or(Integer v, int fallback) {
        return v != null ? v : fallback;
    }
}
