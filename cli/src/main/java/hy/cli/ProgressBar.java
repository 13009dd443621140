package hy.cli;

import hy.runtime.convert.ProgressListener;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongFunction;

/**
 * A one-line progress bar for long writes ({@code [#######.......]  48%  21.6 GiB/45.1 GiB  870.0 MiB/s  ETA 0:27}). It
 * redraws in place at most a few times a second, and only on a terminal: piped or captured stderr gets just the
 * final summary from {@link #finish()}.
 */
final class ProgressBar implements ProgressListener {
    private static final long REDRAW_NANOS = 200_000_000L;
    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final boolean live;
    /** Formats an amount (bytes by default; "12 chunks" for counting bars). */
    private final LongFunction<String> unit;
    private final long start = System.nanoTime();
    private long lastDraw;
    private long lastDone;
    private boolean drawn;

    ProgressBar(PrintWriter err) {
        this(err, System.console() != null && System.console().isTerminal());
    }

    ProgressBar(PrintWriter err, boolean live) {
        this(err, live, ByteSizes::human);
    }

    private ProgressBar(PrintWriter err, boolean live, LongFunction<String> unit) {
        this.err = err;
        this.live = live;
        this.unit = unit;
    }

    /** A bar over a count of things ("3/40 chunks") instead of bytes. */
    static ProgressBar counting(PrintWriter err, String what) {
        return new ProgressBar(err, System.console() != null && System.console().isTerminal(), n -> n + " " + what);
    }

    @Override
    public synchronized void progress(long done, long total) {
        lastDone = done;
        if (!live) return;
        long now = System.nanoTime();
        if (done < total && now - lastDraw < REDRAW_NANOS) return;
        lastDraw = now;
        int filled = total <= 0 ? WIDTH : (int) (WIDTH * Math.min(1.0, (double) done / total));
        double seconds = Math.max(1e-9, (now - start) / 1e9);
        double rate = done / seconds;
        String eta = rate > 0 && done < total ? "  ETA " + duration((total - done) / rate) : "";
        err.print(String.format(Locale.ROOT, "\r[%s%s] %3d%%  %s/%s  %s/s%s   ", "#".repeat(filled), ".".repeat(WIDTH - filled),
                total <= 0 ? 100 : (int) (100.0 * done / total), unit.apply(done), unit.apply(total), unit.apply((long) rate), eta));
        err.flush();
        drawn = true;
    }

    /** Ends the bar's line; returns the seconds since the bar was created. */
    synchronized double finish() {
        if (drawn) {
            err.println();
            err.flush();
        }
        return (System.nanoTime() - start) / 1e9;
    }

    synchronized long doneBytes() {
        return lastDone;
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
