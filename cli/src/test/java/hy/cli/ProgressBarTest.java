package hy.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    @Test
    void drawsInPlaceOnATerminalAndEndsTheLine() {
        StringWriter s = new StringWriter();
        ProgressBar bar = new ProgressBar(new PrintWriter(s), true);
        bar.progress(3L << 30, 4L << 30);
        assertTrue(s.toString().startsWith("\r[" + "#".repeat(22) + "........]  75%  3.0 GiB/4.0 GiB"), s.toString());
        bar.progress(4L << 30, 4L << 30);
        assertTrue(s.toString().contains("100%"), "the last update is always drawn");
        bar.finish();
        assertTrue(s.toString().endsWith(System.lineSeparator()));
    }

    @Test
    void staysSilentWhenNotATerminal() {
        StringWriter s = new StringWriter();
        ProgressBar bar = new ProgressBar(new PrintWriter(s), false);
        bar.progress(1, 2);
        bar.progress(2, 2);
        bar.finish();
        assertEquals("", s.toString());
        assertEquals(2, bar.doneBytes());
    }

    @Test
    void formatsDurations() {
        assertEquals("1:05", ProgressBar.duration(65));
        assertEquals("1:00:00", ProgressBar.duration(3600));
    }
}
