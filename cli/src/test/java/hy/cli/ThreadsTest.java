package hy.cli;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class ThreadsTest {
    private static final int CORES = Runtime.getRuntime().availableProcessors();

    @Test
    void allCoresByDefaultAndOversubscriptionWithinBounds() {
        assertEquals(CORES, Threads.resolve(0));
        assertEquals(CORES, Threads.resolve(-3));
        assertEquals(1, Threads.resolve(1));
        assertEquals(Threads.PER_CORE * CORES, Threads.resolve(Threads.PER_CORE * CORES));
    }

    @Test
    void absurdCountsAreRefusedWithTheMachinesCount() {
        for (int t : new int[] {Threads.PER_CORE * CORES + 1, 10000, Integer.MAX_VALUE}) {
            var e = assertThrows(IllegalArgumentException.class, () -> Threads.resolve(t));
            assertTrue(e.getMessage().contains("-t " + t) && e.getMessage().contains("use -t " + CORES), e.getMessage());
        }
    }

    @Test
    void everyCommandRefusesThemInOneLine() {
        for (String[] args : new String[][] {
                {"run", "-p", "hi", "-n", "1", "-t", "10000"},
                {"bench", "-p", "8", "-n", "1", "-r", "1", "-t", "2147483647"},
                {"synth", "/nonexistent-dir/x.gguf", "--shape", "tiny", "-t", "10000"}}) {
            CliRun r = CliRun.of(args);
            assertTrue(r.exit() == 1 && r.oneErrorLine() && r.err().contains("only slows hy down"), String.join(" ", args) + ": " + r.err());
        }
    }
}
