package hy.cli;

import java.io.FileNotFoundException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;

/**
 * Turns every failure into one line on stderr ("hy: error: ...") and a non-zero exit code. Stack traces only with
 * {@code HY_DEBUG=1}, so users see what went wrong and what to do, not the JVM's internals.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    static final int EXIT_ERROR = 1;
    static final int EXIT_USAGE = 2;

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parseResult) {
        cl.getErr().println("hy: error: " + describe(ex));
        if ("1".equals(System.getenv("HY_DEBUG"))) ex.printStackTrace(cl.getErr());
        cl.getErr().flush();
        return EXIT_ERROR;
    }

    static String describe(Throwable ex) {
        if (ex instanceof NoSuchFileException e) return "file not found: " + e.getFile();
        if (ex instanceof AccessDeniedException e) return "permission denied: " + e.getFile();
        if (ex instanceof FileNotFoundException e) return "file not found: " + e.getMessage();
        String msg = ex.getMessage();
        if (msg == null || msg.isBlank()) msg = ex.getClass().getSimpleName();
        return msg.replace('\n', ' ');
    }

    /** Bad flags: one line naming the problem and pointing at --help. */
    static final class BadFlags implements CommandLine.IParameterExceptionHandler {
        @Override
        public int handleParseException(CommandLine.ParameterException ex, String[] args) {
            CommandLine cl = ex.getCommandLine();
            cl.getErr().println("hy: error: " + ex.getMessage().replace('\n', ' ') + " (see '" + cl.getCommandSpec().qualifiedName() + " --help')");
            cl.getErr().flush();
            return EXIT_USAGE;
        }
    }
}
