package hy.cli;

import hy.runtime.convert.Requantizer;
import hy.runtime.tensor.GgmlType;
import hy.runtime.util.OutputGuard;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hy quantize IN.gguf OUT.gguf TYPE}: llama-quantize's job, with per-tensor type rules. */
@Command(name = "quantize", mixinStandardHelpOptions = true,
        description = {"Rewrite a GGUF with its weights in TYPE, copying all metadata; norms and the",
                "router stay F32, tensors already in their target type are copied unchanged.",
                "Per-tensor rules, first match wins: --override-type 'exps=q4_k' --override-type 'attn_.*=q8_0'.",
                "Rows that TYPE's blocks do not tile fall back as in llama-quantize (noted);",
                "a rule whose type does not fit its tensors is an error."})
final class QuantizeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IN.gguf") Path in;
    @Parameters(index = "1", paramLabel = "OUT.gguf") Path out;

    @Parameters(index = "2", paramLabel = "TYPE", converter = TypeOptions.TypeConverter.class,
            description = "q8_0, q4_0, q4_1, q5_0, q5_1, q4_k, q5_k, q6_k, iq4_nl, iq4_xs, f16, bf16, f32, ...")
    GgmlType type;

    @Mixin
    TypeOptions types;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        OutputGuard.refuseInput(out, in);
        ProgressBar bar = new ProgressBar(err);
        Requantizer.Result r = Requantizer.run(in, out, types.plan(type), Threads.resolve(types.threads), bar);
        double seconds = bar.finish();
        Summary.print(spec.commandLine().getOut(), err, out, r.plan(), seconds);
        if (r.requantized() > 0) {
            err.println("note: " + r.requantized() + " tensors were re-encoded from already-quantized data; quantizing from F32/F16/BF16 loses less");
        }
        return 0;
    }
}
