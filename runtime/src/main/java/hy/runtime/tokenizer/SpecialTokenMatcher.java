package hy.runtime.tokenizer;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Finds special-token texts (such as {@code <|eos|>}) inside text, leftmost first and, where two start at the same
 * place, longest first. Ordinary text costs one bit test per character; only where a character can begin a special
 * token are the few possible lengths looked up in a hash map.
 */
final class SpecialTokenMatcher {
    /** One occurrence: text[start, end) is the special token {@code id}. */
    record Match(int start, int end, int id) {}

    private final Map<String, Integer> byText;
    private final BitSet firstChars = new BitSet();
    /** Second characters of the specials; all specials begin "<|", so most '<' in text is rejected here. */
    private final BitSet secondChars = new BitSet();
    private boolean hasSingleCharSpecial;
    /** Distinct special-token lengths, longest first. */
    private final int[] lengths;

    SpecialTokenMatcher(Map<String, Integer> specials) {
        this.byText = new HashMap<>();
        TreeSet<Integer> distinct = new TreeSet<>();
        specials.forEach((text, id) -> {
            if (text.isEmpty()) return;
            byText.put(text, id);
            firstChars.set(text.charAt(0));
            if (text.length() > 1) secondChars.set(text.charAt(1));
            else hasSingleCharSpecial = true;
            distinct.add(text.length());
        });
        this.lengths = distinct.descendingSet().stream().mapToInt(Integer::intValue).toArray();
    }

    boolean isEmpty() {
        return byText.isEmpty();
    }

    /** The first special token in text[from, length), or null. */
    Match find(String text, int from) {
        int n = text.length();
        for (int i = firstChars.nextSetBit(0) < 0 ? n : from; i < n; i++) {
            if (!firstChars.get(text.charAt(i))) continue;
            if (!hasSingleCharSpecial && (i + 1 >= n || !secondChars.get(text.charAt(i + 1)))) continue;
            for (int len : lengths) {
                if (i + len > n) continue;
                Integer id = byText.get(text.substring(i, i + len));
                if (id != null) return new Match(i, i + len, id);
            }
        }
        return null;
    }
}
