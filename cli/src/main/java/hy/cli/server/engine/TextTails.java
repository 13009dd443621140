package hy.cli.server.engine;

/** Text that arrives in pieces: how much of its end might still become a given word. */
public final class TextTails {
    private TextTails() {}

    /** Length of the longest end of {@code text} that is a proper beginning of {@code word} (0 if none). */
    public static int partialAtEnd(CharSequence text, String word) {
        for (int k = Math.min(word.length() - 1, text.length()); k > 0; k--) {
            if (endsWithPrefix(text, word, k)) return k;
        }
        return 0;
    }

    private static boolean endsWithPrefix(CharSequence text, String word, int k) {
        int start = text.length() - k;
        for (int i = 0; i < k; i++) {
            if (text.charAt(start + i) != word.charAt(i)) return false;
        }
        return true;
    }
}
