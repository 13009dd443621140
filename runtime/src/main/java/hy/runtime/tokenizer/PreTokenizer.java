package hy.runtime.tokenizer;

/**
 * Splits text into the pieces that byte-pair encoding works on, exactly as Hunyuan's tiktoken pattern does
 * (llama.cpp: pre-tokenizer "hunyuan"):
 *
 * <pre>
 * (?i:'s|'t|'re|'ve|'m|'ll|'d) | [^\r\n\p{L}\p{N}]?\p{L}+ | \p{N} | ?[^\s\p{L}\p{N}]+[\r\n]* | \s*[\r\n]+ | \s+(?!\S) | \s+
 * </pre>
 *
 * <p>A hand-written scanner instead of {@link java.util.regex.Pattern}: it is several times faster, allocates nothing,
 * and makes the backtracking outcome of each alternative explicit (see the comments in {@link #pieceEnd}). The regex
 * stays in the tests as the executable specification. Character classes follow Unicode as tiktoken's regex engine
 * does: {@code \p{L}} letters (Lu Ll Lt Lm Lo), {@code \p{N}} numbers (Nd Nl No), {@code \s} the White_Space property
 * (so NO-BREAK SPACE and EM SPACE are whitespace, but ZERO WIDTH SPACE is not). Note that one digit is one piece.
 */
final class PreTokenizer {
    private PreTokenizer() {}

    private static final byte OTHER = 0;
    private static final byte LETTER = 1;
    private static final byte NUMBER = 2;
    /** CR and LF: whitespace that the pattern names explicitly. */
    private static final byte NEWLINE = 3;
    /** Any other White_Space character. */
    private static final byte SPACE = 4;

    /** Class of every BMP code point; supplementary ones are classified on demand (none of them is whitespace). */
    private static final byte[] BMP_CLASS = new byte[0x10000];

    static {
        for (int c = 0; c < 0x10000; c++) BMP_CLASS[c] = classifyByType(c);
        // The White_Space property (Unicode PropList.txt); Character.isWhitespace differs from it (no NBSP, has FS..US).
        int[][] whiteSpace = {{0x09, 0x0D}, {0x20, 0x20}, {0x85, 0x85}, {0xA0, 0xA0}, {0x1680, 0x1680},
                {0x2000, 0x200A}, {0x2028, 0x2029}, {0x202F, 0x202F}, {0x205F, 0x205F}, {0x3000, 0x3000}};
        for (int[] r : whiteSpace) {
            for (int c = r[0]; c <= r[1]; c++) BMP_CLASS[c] = SPACE;
        }
        BMP_CLASS['\r'] = NEWLINE;
        BMP_CLASS['\n'] = NEWLINE;
    }

    private static byte classifyByType(int cp) {
        return switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                 Character.MODIFIER_LETTER, Character.OTHER_LETTER -> LETTER;
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> NUMBER;
            default -> OTHER;
        };
    }

    /**
     * The end (exclusive) of the piece that starts at {@code from}, where {@code text[from, limit)} is the text being
     * split (the lookahead never sees beyond {@code limit}, as when tiktoken splits the text between two special
     * tokens). Always greater than {@code from}: every character belongs to some piece.
     */
    static int pieceEnd(String text, int from, int limit) {
        int cp = codePointAt(text, from, limit);
        int next = from + Character.charCount(cp);
        byte cls = classOf(cp);

        // 1. English contractions, case-insensitive.
        if (cp == '\'') {
            int end = contractionEnd(text, next, limit);
            if (end > 0) return end;
        }
        // 2. Letters, optionally led by one character that is not CR/LF, a letter or a digit (" word", "'word", "(word").
        if (cls == LETTER) return runEnd(text, next, limit, LETTER);
        if (cls != NUMBER && cls != NEWLINE && next < limit && classAt(text, next, limit) == LETTER) {
            return runEnd(text, next, limit, LETTER);
        }
        // 3. A single digit.
        if (cls == NUMBER) return next;
        // 4. Punctuation and symbols, optionally led by one space, followed by any CR/LF.
        if (cls == OTHER) return newlinesEnd(text, runEnd(text, next, limit, OTHER), limit);
        if (cp == ' ' && next < limit && classAt(text, next, limit) == OTHER) {
            return newlinesEnd(text, runEnd(text, next, limit, OTHER), limit);
        }
        // Whitespace. Let the whitespace run be text[from, runEnd).
        int runEnd = from;
        int lastStart = from;
        int afterLastNewline = -1;
        int count = 0;
        while (runEnd < limit) {
            int c = codePointAt(text, runEnd, limit);
            byte k = classOf(c);
            if (k != SPACE && k != NEWLINE) break;
            if (k == NEWLINE) afterLastNewline = runEnd + 1;
            lastStart = runEnd;
            runEnd += Character.charCount(c);
            count++;
        }
        // 5. \s*[\r\n]+ : \s* backtracks until [\r\n]+ can match, so the piece ends after the run's last CR/LF.
        if (afterLastNewline > 0) return afterLastNewline;
        // 6. \s+(?!\S) : the whole run at the end of the text; otherwise the run minus its last character, which is
        //    then the optional prefix of the next word (" word"). A single character falls through to 7.
        if (runEnd == limit) return runEnd;
        if (count > 1) return lastStart;
        // 7. \s+
        return runEnd;
    }

    /** End of 's 't 're 've 'm 'll 'd after the apostrophe at {@code at − 1}, or −1. */
    private static int contractionEnd(String text, int at, int limit) {
        if (at >= limit) return -1;
        char c1 = foldCase(text.charAt(at));
        if (c1 == 's' || c1 == 't' || c1 == 'm' || c1 == 'd') return at + 1;
        if (at + 1 >= limit) return -1;
        char c2 = foldCase(text.charAt(at + 1));
        if ((c1 == 'r' || c1 == 'v') && c2 == 'e') return at + 2;
        if (c1 == 'l' && c2 == 'l') return at + 2;
        return -1;
    }

    /** Simple case folding for the letters of the contractions (LATIN SMALL LETTER LONG S folds to 's'). */
    private static char foldCase(char c) {
        if (c >= 'A' && c <= 'Z') return (char) (c + 32);
        if (c == '\u017F') return 's';
        return c;
    }

    private static int runEnd(String text, int at, int limit, byte cls) {
        while (at < limit) {
            int c = codePointAt(text, at, limit);
            if (classOf(c) != cls) break;
            at += Character.charCount(c);
        }
        return at;
    }

    private static int newlinesEnd(String text, int at, int limit) {
        while (at < limit) {
            char c = text.charAt(at);
            if (c != '\r' && c != '\n') break;
            at++;
        }
        return at;
    }

    private static byte classAt(String text, int at, int limit) {
        return classOf(codePointAt(text, at, limit));
    }

    private static byte classOf(int cp) {
        return cp < 0x10000 ? BMP_CLASS[cp] : classifyByType(cp);
    }

    /** The code point at {@code at}; an unpaired surrogate reads as itself (class OTHER). */
    private static int codePointAt(String text, int at, int limit) {
        char c = text.charAt(at);
        if (Character.isHighSurrogate(c) && at + 1 < limit) {
            char d = text.charAt(at + 1);
            if (Character.isLowSurrogate(d)) return Character.toCodePoint(c, d);
        }
        return c;
    }
}
