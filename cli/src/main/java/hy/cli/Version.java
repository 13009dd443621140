package hy.cli;

import picocli.CommandLine;

/** Prints the version and the Java runtime it runs on. */
final class Version implements CommandLine.IVersionProvider {
    static final String VERSION = "0.1.0";

    @Override
    public String[] getVersion() {
        return new String[] {"hy " + VERSION + " (Java " + Runtime.version() + ", " + System.getProperty("os.arch") + ")"};
    }
}
