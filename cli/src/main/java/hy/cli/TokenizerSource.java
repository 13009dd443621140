package hy.cli;

import hy.runtime.gguf.GgufFile;
import hy.runtime.tokenizer.TiktokenFile;
import hy.runtime.tokenizer.Tokenizer;
import hy.runtime.tokenizer.TokenizerGguf;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** Where a command gets its tokenizer: a model GGUF ({@code -m}) or the official tiktoken file ({@code --vocab}). */
final class TokenizerSource {
    @Option(names = {"-m", "--model"}, paramLabel = "MODEL.gguf", description = "Model file whose tokenizer to use.")
    Path model;

    @Option(names = "--vocab", paramLabel = "hy.tiktoken", description = "Hunyuan's tiktoken vocabulary file (instead of a model).")
    Path vocab;

    Tokenizer load(CommandLine cl) throws IOException {
        if (model != null && vocab != null) {
            throw new CommandLine.ParameterException(cl, "give either -m MODEL.gguf or --vocab hy.tiktoken, not both");
        }
        if (model != null) {
            try (GgufFile f = GgufFile.open(model)) {
                return TokenizerGguf.read(f);
            }
        }
        if (vocab != null) return TiktokenFile.readHunyuan(vocab);
        throw new CommandLine.ParameterException(cl, "no vocabulary: give the model with -m MODEL.gguf or the vocabulary with --vocab hy.tiktoken");
    }
}
