package hy.runtime.tokenizer;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds special-token texts (such as {@code <|eos|>}) inside text, leftmost first and, where two start at the same
 * place, longest first. Only characters that begin some special token are examined further, so scanning ordinary text
 * costs one bit test per character.
 */
final class SpecialTokenMatcher {
    /** One occurrence: text[start, end) is the special token {@code id}. */
    record Match(int start, int end, int id) {}

    private final BitSet firstChars = new BitSet();
    private final Map<Character, List<Map.Entry<String, Integer>>> byFirstChar = new HashMap<>();

    SpecialTokenMatcher(Map<String, Integer> specials) {
        for (Map.Entry<String, Integer> e : specials.entrySet()) {
            if (e.getKey().isEmpty()) continue;
            char first = e.getKey().charAt(0);
            firstChars.set(first);
            byFirstChar.computeIfAbsent(first, k -> new ArrayList<>()).add(e);
        }
        Comparator<Map.Entry<String, Integer>> longestFirst = Comparator.comparingInt(e -> -e.getKey().length());
        byFirstChar.values().forEach(list -> list.sort(longestFirst));
    }

    boolean isEmpty() {
        return byFirstChar.isEmpty();
    }

    /** The first special token in text[from, length), or null. */
    Match find(String text, int from) {
        for (int i = firstChars.isEmpty() ? text.length() : from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!firstChars.get(c)) continue;
            for (Map.Entry<String, Integer> candidate : byFirstChar.get(c)) {
                if (text.startsWith(candidate.getKey(), i)) return new Match(i, i + candidate.getKey().length(), candidate.getValue());
            }
        }
        return null;
    }
}
