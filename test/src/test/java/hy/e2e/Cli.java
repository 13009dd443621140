package hy.e2e;

import hy.cli.Hy;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;

/** Runs {@code hy} in-process and captures what it prints. */
record Cli(int code, String out, String err) {
    static Cli run(String... args) {
        return runWithInput(null, args);
    }

    static Cli runWithInput(String stdin, String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        BufferedReader in = stdin == null ? null : new BufferedReader(new StringReader(stdin));
        int code = Hy.execute(in, new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Cli(code, out.toString(), err.toString());
    }

    /** The lines of stderr that are errors (what a user sees as the failure). */
    long errorLines() {
        return err.lines().filter(l -> l.startsWith("hy: error:")).count();
    }
}
