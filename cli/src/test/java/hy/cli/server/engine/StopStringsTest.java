package hy.cli.server.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class StopStringsTest {

    @Test
    void textBeforeTheStopIsOutputAndTheStopIsNot() {
        StopStrings s = new StopStrings(List.of("END"));
        assertEquals("abc", s.accept("abcEN"), "a possible beginning of the stop is held back");
        assertEquals("", s.accept("D and more"));
        assertEquals("END", s.matched());
    }

    @Test
    void aStopSplitAcrossPiecesIsFound() {
        StopStrings s = new StopStrings(List.of("STOP"));
        StringBuilder out = new StringBuilder();
        for (String piece : List.of("hello S", "T", "O", "P world")) out.append(s.accept(piece));
        assertEquals("hello ", out.toString());
        assertEquals("STOP", s.matched());
        assertEquals("", s.accept("more"), "nothing after a match");
    }

    @Test
    void aFalseStartIsReleasedWhenItCannotBecomeTheStop() {
        StopStrings s = new StopStrings(List.of("STOP"));
        assertEquals("x", s.accept("xST"));
        assertEquals("STx", s.accept("x"));
        assertEquals("", s.accept("ST"));
        assertEquals("ST", s.flush());
    }

    @Test
    void theEarliestOfSeveralStopsWins() {
        StopStrings s = new StopStrings(List.of("world", "lo w"));
        assertEquals("hel", s.accept("hello world"));
        assertEquals("lo w", s.matched());
    }

    @Test
    void flushReleasesAHeldBackBeginning() {
        StopStrings s = new StopStrings(List.of("</end>"));
        assertEquals("text", s.accept("text</e"));
        assertEquals("</e", s.flush());
        assertNull(s.matched());
    }

    @Test
    void withoutStopsEverythingPasses() {
        StopStrings s = new StopStrings(List.of("", ""));
        assertEquals("anything", s.accept("anything"));
    }
}
