package hy.runtime.util;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Refuses an output that is one of a command's inputs, by file identity (same inode: catches {@code dir/../dir/IN},
 * symbolic and hard links), not by spelling: writing it would replace the input (the file a user wanted to convert
 * or quantize) once the new file is renamed into place.
 */
public final class OutputGuard {
    private OutputGuard() {}

    /**
     * Throws when {@code output} exists and is the same file as {@code input} or, if {@code input} is a directory,
     * as a file directly inside it (a checkpoint directory's shards, config and tokenizer).
     */
    public static void refuseInput(Path output, Path input) throws IOException {
        if (!Files.exists(output)) return;
        if (Files.isDirectory(input)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(input)) {
                for (Path f : files) check(output, f);
            }
        } else {
            check(output, input);
        }
    }

    private static void check(Path output, Path input) throws IOException {
        if (Files.exists(input) && Files.isSameFile(output, input)) {
            throw new IllegalArgumentException("output " + output + " is the input file " + input
                    + "; writing it would replace the input: choose another output path");
        }
    }
}
