package hy.cli;

/**
 * The -t value every command accepts: more than {@link #PER_CORE} threads per available processor only adds
 * context switches (at -t 10000 a token took 20 s) and, far enough, runs the JVM out of memory for thread stacks;
 * refused with the machine's count instead.
 */
final class Threads {
    static final int PER_CORE = 4;

    private Threads() {}

    /** {@code requested}, or all processors when it is ≤ 0; throws when it is above {@link #PER_CORE} per processor. */
    static int resolve(int requested) {
        int cores = Runtime.getRuntime().availableProcessors();
        if (requested <= 0) return cores;
        if (requested > PER_CORE * cores) {
            throw new IllegalArgumentException("-t " + requested + ": this machine runs " + cores + " threads at once; "
                    + "more than " + PER_CORE * cores + " only slows hy down (use -t " + cores + ", or leave -t out)");
        }
        return requested;
    }
}
