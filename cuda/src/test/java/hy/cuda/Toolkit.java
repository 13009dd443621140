package hy.cuda;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The CUDA toolkit's command-line tools for tests that build the kernels' host checks. */
final class Toolkit {
    private Toolkit() {}

    /** The tool's path when it is on PATH, else null. */
    static Path onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }

    record Result(int code, String out) {}

    /** Runs a command, output and errors merged; fails the test after {@code seconds}. */
    static Result exec(List<String> cmd, long seconds) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(cmd.getFirst() + " did not finish in " + seconds + " s");
        }
        return new Result(p.exitValue(), out);
    }
}
