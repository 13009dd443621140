package hy.cli;

import hy.runtime.convert.HfToGguf;
import hy.runtime.tensor.GgmlType;
import hy.runtime.util.OutputGuard;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hy convert HF_DIR OUT.gguf}: an official Hunyuan-A13B checkpoint to GGUF. */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = {"Convert a Hugging Face Hunyuan-A13B directory (config.json + safetensors,",
                "single or sharded) to GGUF with llama.cpp's tensor names and metadata.",
                "The tokenizer is written when the directory has hy.tiktoken; without it the",
                "model is ids-only (no tokenizer.* keys)."})
final class ConvertCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "HF_DIR", description = "model directory")
    Path hfDir;

    @Parameters(index = "1", paramLabel = "OUT.gguf", description = "output file (written aside, renamed when complete)")
    Path out;

    @Option(names = "--outtype", paramLabel = "TYPE", converter = TypeOptions.TypeConverter.class, defaultValue = "bf16",
            description = "weight type: f32, f16, bf16 (default; lossless for the bf16 release), q8_0, q4_0, q4_k, ...")
    GgmlType outType;

    @Option(names = "--name", description = "general.name (default: the directory's name)")
    String name;

    @Mixin
    TypeOptions types;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        OutputGuard.refuseInput(out, hfDir);
        ProgressBar bar = new ProgressBar(err);
        HfToGguf.Result r = HfToGguf.convert(hfDir, out, new HfToGguf.Options(types.plan(outType), Threads.resolve(types.threads), name), bar);
        double seconds = bar.finish();
        Summary.print(spec.commandLine().getOut(), err, out, r.plan(), seconds);
        if (!r.hasVocabulary()) err.println("note: " + hfDir + " has no hy.tiktoken: the model has no tokenizer (ids only)");
        return 0;
    }
}
