package hy.runtime.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SpecialTokenMatcherTest {
    @Test
    void leftmostThenLongest() {
        SpecialTokenMatcher m = new SpecialTokenMatcher(Map.of("<|a|>", 1, "<|a|>b", 2, "<|bb|>", 3));
        assertEquals(new SpecialTokenMatcher.Match(1, 7, 2), m.find("x<|a|>b<|bb|>", 0));
        assertEquals(new SpecialTokenMatcher.Match(7, 13, 3), m.find("x<|a|>b<|bb|>", 7));
        assertNull(m.find("x<|a|", 0));
        assertNull(m.find("<<", 0));
    }

    @Test
    void singleCharacterSpecials() {
        SpecialTokenMatcher m = new SpecialTokenMatcher(Map.of("#", 7, "<|x|>", 8));
        assertEquals(new SpecialTokenMatcher.Match(2, 3, 7), m.find("ab#", 0));
        assertEquals(new SpecialTokenMatcher.Match(0, 5, 8), m.find("<|x|>#", 0));
    }

    @Test
    void nothingToFind() {
        SpecialTokenMatcher m = new SpecialTokenMatcher(Map.of());
        assertEquals(true, m.isEmpty());
        assertNull(m.find("<|eos|>", 0));
    }
}
