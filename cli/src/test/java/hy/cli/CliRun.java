package hy.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One in-process run of {@code hy} with captured output. */
record CliRun(int exit, String out, String err) {
    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Hy.execute(new PrintWriter(out), new PrintWriter(err), args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** The error output is exactly one "hy: error: ..." line. */
    boolean oneErrorLine() {
        return err.startsWith("hy: error: ") && err.strip().lines().count() == 1;
    }
}
