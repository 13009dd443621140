package hy.runtime.cpu.backend;

import java.util.stream.IntStream;

/** Temporary fork-join helper until the shared CPU pool lands. */
final class Parallel {
    private Parallel() {}

    interface Body {
        void run(int i);
    }

    static void forEach(int n, Body body) {
        if (n == 1) {
            body.run(0);
            return;
        }
        IntStream.range(0, n).parallel().forEach(body::run);
    }
}
