package hy.cli;

import hy.runtime.gguf.GgufFile;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hy info FILE [--dump NAME]}: what a GGUF file holds, or one tensor's values. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = {"Shows a GGUF file: version, metadata (type and value of every key), the tensor table "
                + "(name, type, shape, bytes, offset in the data section) and totals per type.",
                "With --dump NAME, prints that tensor's values instead: one row per line, decimal floats."})
final class InfoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "the GGUF file")
    Path file;

    @Option(names = "--dump", paramLabel = "NAME", description = "print the values of tensor NAME (dequantized)")
    String dump;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (GgufFile f = GgufFile.open(file)) {
            if (dump != null) TensorDump.print(f, dump, out);
            else GgufReport.print(f, out);
        }
        out.flush();
        return 0;
    }
}
