package hy.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** -p TEXT or -f FILE, as llama.cpp takes a prompt. */
final class PromptInput {
    @Option(names = {"-p", "--prompt"}, paramLabel = "TEXT", description = "prompt text")
    String text;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "read the prompt from a file")
    Path file;

    boolean given() {
        return text != null || file != null;
    }

    String read() throws IOException {
        if (text != null && file != null) throw new IllegalArgumentException("give either -p or -f, not both");
        if (text != null) return text;
        if (file != null) return Files.readString(file, StandardCharsets.UTF_8);
        throw new IllegalArgumentException("no prompt: give -p TEXT or -f FILE");
    }
}
