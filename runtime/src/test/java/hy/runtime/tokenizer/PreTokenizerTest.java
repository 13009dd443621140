package hy.runtime.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The hand-written scanner against the pattern itself, run by java.util.regex with Unicode classes (the executable
 * specification): same pieces for hand-picked edge cases and for many random strings over an alphabet chosen to hit
 * every alternative and class boundary.
 */
class PreTokenizerTest {
    /** Hunyuan's tiktoken pattern; UNICODE_CHARACTER_CLASS makes \s the White_Space property and (?i) Unicode-aware. */
    static final Pattern REFERENCE = Pattern.compile(
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
            Pattern.UNICODE_CHARACTER_CLASS);

    static List<String> reference(String s) {
        List<String> pieces = new ArrayList<>();
        Matcher m = REFERENCE.matcher(s);
        int expectedStart = 0;
        while (m.find()) {
            assertEquals(expectedStart, m.start(), "the pattern skipped text in " + s);
            pieces.add(m.group());
            expectedStart = m.end();
        }
        return pieces;
    }

    static List<String> scanned(String s) {
        List<String> pieces = new ArrayList<>();
        for (int i = 0; i < s.length(); ) {
            int end = PreTokenizer.pieceEnd(s, i, s.length());
            pieces.add(s.substring(i, end));
            i = end;
        }
        return pieces;
    }

    @Test
    void edgeCases() {
        String[] cases = {
                "", "a", " ", "  ", "\n", "\r\n", " \n", "\n ", "a  b", "a   b", "a \n b", "a\t\tb", "a\u00A0b", "a \u00A0b",
                "It's", "IT'S", "I'LL", "we'Re", "'s", "'", "''s", "don't", "'hello", "x'ſ", "1234", "3.14", "-42", " -42",
                "a,b", "a, b", "a ,b", "a  ,b", "?!\n\nx", " ?!\r\n", "x\u200Bzero", "end   ", "end \n", "\n\n\na",
                "中文，测试。", "emoji 😀🚀 ok", "𝐀𝐁 𝟙𝟚", "\u000B\u000Cx", "\u0085x", "tab\t\tx", "café", "cafe\u0301",
                "\uD800x", "x\uDC00", "<|eos|>", "  \t\n  x", " \u3000x", "Ⅻ²₃", "a\r\rb",
        };
        for (String s : cases) assertEquals(reference(s), scanned(s), () -> "pieces of '" + s + "'");
    }

    @Test
    void randomStringsMatchThePattern() {
        String[] alphabet = {
                "a", "Z", "é", "中", "ſ", "S", "s", "t", "l", "L", "r", "e", "v", "m", "d", "D", "𝐀",
                "1", "٣", "²", "Ⅻ", "𝟙",
                " ", " ", " ", "\t", "\n", "\r", "\u00A0", "\u2003", "\u3000", "\u0085", "\u000B",
                "'", "'", ".", "!", "(", "😀", "\u200B", "\u0301", "<", "|", "-", "\uD800",
        };
        Random random = new Random(42);
        for (int round = 0; round < 20_000; round++) {
            StringBuilder b = new StringBuilder();
            int len = 1 + random.nextInt(24);
            for (int i = 0; i < len; i++) b.append(alphabet[random.nextInt(alphabet.length)]);
            String s = b.toString();
            assertEquals(reference(s), scanned(s), () -> "pieces of '" + escape(s) + "'");
        }
    }

    @Test
    void lookaheadStopsAtTheSegmentEnd() {
        // Between two special tokens the text ends where the special starts: trailing spaces stay one piece.
        String s = "x   <|eos|>";
        int limit = s.indexOf('<');
        assertEquals(1, PreTokenizer.pieceEnd(s, 0, limit));
        assertEquals(limit, PreTokenizer.pieceEnd(s, 1, limit));
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) b.append(c < 0x20 || c > 0x7E ? String.format("\\u%04X", (int) c) : String.valueOf(c));
        return b.toString();
    }
}
