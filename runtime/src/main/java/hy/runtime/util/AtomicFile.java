package hy.runtime.util;

import java.io.IOException;
import java.security.SecureRandom;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a file aside ({@code .NAME.RANDOM.partial} in the same directory, created exclusively, so two writers of one
 * output never share it and no existing file is ever taken for it) and renames it into place only when the writer
 * finished; an interrupted or failed run leaves no file that looks complete and never touches an existing target
 * until the new one is whole.
 */
public final class AtomicFile {
    private AtomicFile() {}

    @FunctionalInterface
    public interface Writer {
        void write(Path tmp) throws IOException;
    }

    /** A new, empty, uniquely named file beside {@code target} (default permissions, unlike createTempFile's 0600). */
    private static Path createAside(Path target) throws IOException {
        for (int attempt = 0; ; attempt++) {
            String suffix = Long.toHexString(RANDOM.nextLong() & 0xffffffffffffL);
            Path tmp = target.resolveSibling("." + target.getFileName() + "." + suffix + ".partial");
            try {
                return Files.createFile(tmp);
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 100) throw e;
            }
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    public static void write(Path target, Writer writer) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir != null && !Files.isDirectory(dir)) throw new IOException("output directory does not exist: " + dir);
        Path tmp = createAside(abs);
        boolean ok = false;
        try {
            writer.write(tmp);
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            ok = true;
        } finally {
            if (!ok) Files.deleteIfExists(tmp);
        }
    }
}
