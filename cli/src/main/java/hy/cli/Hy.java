package hy.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code hy} command: one subcommand per job, llama.cpp's flag spellings where they exist. */
@Command(name = "hy", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Hunyuan-A13B inference on the JVM: GGUF models, CPU and CUDA backends, expert offload.",
        subcommands = {
                RunCommand.class,
                PerplexityCommand.class,
                BenchCommand.class,
                PlanCommand.class,
                ChatCommand.class,
                InfoCommand.class,
                TokenizeCommand.class,
                DetokenizeCommand.class,
                ConvertCommand.class,
                QuantizeCommand.class,
                SynthCommand.class,
                ServeCommand.class,
                CommandLine.HelpCommand.class,
        })
public final class Hy implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Standard input for interactive commands (tests substitute their own). */
    java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8));

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        int code;
        try {
            code = execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
        } catch (OutOfMemoryError e) {
            System.err.println("hy: error: out of Java heap memory; raise it with HY_JAVA_OPTS=-Xmx<size> (e.g. -Xmx16g)");
            code = 3;
        }
        System.exit(code);
    }

    /** Runs one command line with the given output streams; returns the exit code (tests call this in-process). */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        return execute(null, out, err, args);
    }

    /** As {@link #execute(PrintWriter, PrintWriter, String...)} with {@code in} as standard input (null: System.in). */
    public static int execute(java.io.BufferedReader in, PrintWriter out, PrintWriter err, String... args) {
        Hy hy = new Hy();
        if (in != null) hy.in = in;
        CommandLine cl = new CommandLine(hy);
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler(new ErrorHandler());
        cl.setParameterExceptionHandler(new ErrorHandler.BadFlags());
        try {
            return cl.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }
}
