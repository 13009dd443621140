package hy.runtime.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the reference data in {@code ../shared} (relative to the project root). Tests that need it call
 * {@link #path(String)}: where the folder is missing (a user's clone) the test is skipped with a reason, but under
 * {@code CI=true} its absence is a failure, so CI can never pass without having checked against the references.
 */
public final class SharedData {
    private SharedData() {}

    /** The shared folder, or null when it cannot be found. */
    public static Path root() {
        String env = System.getenv("HY_SHARED");
        if (env != null && Files.isDirectory(Path.of(env))) return Path.of(env).toAbsolutePath().normalize();
        // Walk up from the working directory (a module folder under Maven, the root elsewhere).
        Path dir = Path.of("").toAbsolutePath();
        for (int i = 0; i < 3 && dir != null; i++, dir = dir.getParent()) {
            Path candidate = dir.resolveSibling("shared");
            if (Files.isDirectory(candidate.resolve("testdata"))) return candidate.normalize();
        }
        return null;
    }

    /** A file under the shared folder; skips (or fails under CI=true) when it is missing. */
    public static Path path(String relative) {
        Path root = root();
        Path p = root == null ? null : root.resolve(relative);
        if (p == null || !Files.exists(p)) {
            String why = "reference data ../shared/" + relative + " not found";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) fail(why + " (required when CI=true)");
            assumeTrue(false, why + "; skipping");
        }
        return p;
    }
}
