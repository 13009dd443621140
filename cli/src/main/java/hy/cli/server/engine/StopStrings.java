package hy.cli.server.engine;

import java.util.List;

/**
 * Finds a request's stop strings in output text that arrives in pieces. Text is passed on as soon as it cannot be
 * the beginning of a stop string; a possible beginning at the end is held back until the next piece decides it. Once a
 * stop string is found, the text before it is the last output. Not thread-safe; one per generation.
 */
final class StopStrings {
    private final List<String> stops;
    private final StringBuilder pending = new StringBuilder();
    private String matched;

    StopStrings(List<String> stops) {
        this.stops = stops.stream().filter(s -> !s.isEmpty()).toList();
    }

    /** Adds a piece of output; returns the text that is now final (empty after a match). */
    String accept(String piece) {
        if (matched != null) return "";
        pending.append(piece);
        int first = -1;
        for (String s : stops) {
            int at = pending.indexOf(s);
            if (at >= 0 && (first < 0 || at < first)) {
                first = at;
                matched = s;
            }
        }
        if (first >= 0) {
            String out = pending.substring(0, first);
            pending.setLength(0);
            return out;
        }
        int ready = pending.length() - possibleStartAtEnd();
        String out = pending.substring(0, ready);
        pending.delete(0, ready);
        return out;
    }

    /** Ends the output: the held-back text is final (it did not become a stop string). */
    String flush() {
        String out = pending.toString();
        pending.setLength(0);
        return out;
    }

    /** The stop string that ended the output, or null. */
    String matched() {
        return matched;
    }

    /** Length of the longest end of the pending text that is a proper beginning of some stop string. */
    private int possibleStartAtEnd() {
        int longest = 0;
        for (String s : stops) longest = Math.max(longest, TextTails.partialAtEnd(pending, s));
        return longest;
    }
}
