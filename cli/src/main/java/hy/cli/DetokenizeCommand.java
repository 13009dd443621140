package hy.cli;

import hy.runtime.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code hy detokenize}: prints the text of a list of token ids ("1, 2, 3" or "[1, 2, 3]"). */
@Command(name = "detokenize", mixinStandardHelpOptions = true,
        description = "Print the text of token ids given as \"1,2,3\" or \"[1, 2, 3]\".")
final class DetokenizeCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    TokenizerSource source;

    static final class Input {
        @Option(names = {"-p", "--prompt"}, paramLabel = "IDS", description = "The ids, e.g. \"[9906, 11, 1917, 0]\".")
        String ids;

        @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "Read the ids from a file.")
        Path file;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    @Option(names = "--no-special", description = "Leave out special tokens such as <|eos|>.")
    boolean noSpecial;

    @Override
    public Integer call() throws IOException {
        Tokenizer tokenizer = source.load(spec.commandLine());
        String list = input.ids != null ? input.ids : Files.readString(input.file);
        int[] ids = parseIds(list);
        spec.commandLine().getOut().println(tokenizer.decode(ids, !noSpecial));
        return 0;
    }

    /** Ids separated by commas and/or whitespace, optionally inside one pair of brackets. */
    static int[] parseIds(String list) {
        String s = list.strip();
        if (s.startsWith("[") && s.endsWith("]")) s = s.substring(1, s.length() - 1).strip();
        if (s.isEmpty()) return new int[0];
        String[] parts = s.split("[,\\s]+");
        int[] ids = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                ids[i] = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + parts[i] + "' is not a token id (expected integers like \"[9906, 11, 1917, 0]\")");
            }
        }
        return ids;
    }
}
