package hy.runtime.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The flat and the heap merge paths agree, and long pieces are neither slow nor wrong. */
class BytePairMergerTest {

    @Test
    void heapPathMergesLikeTheFlatPath() {
        Vocabulary vocab = TokenizerCases.tiktoken().vocabulary();
        BytePairMerger flat = new BytePairMerger(vocab);
        BytePairMerger heap = new BytePairMerger(vocab);
        Random random = new Random(7);
        String[] words = {"the", " of", "ing", "中", "文", "ab", "a", "b", " ", "  ", "é", "😀", "tion", "x", "0", "##"};
        for (int round = 0; round < 2_000; round++) {
            StringBuilder s = new StringBuilder();
            int n = 1 + random.nextInt(30);
            for (int i = 0; i < n; i++) s.append(words[random.nextInt(words.length)]);
            byte[] bytes = s.toString().getBytes(StandardCharsets.UTF_8);
            int parts = flat.mergeFlat(bytes, 0, bytes.length, Vocabulary.NO_RANK);
            int[] expected = java.util.Arrays.copyOf(flat.boundaries(), parts + 1);
            heap.mergeWithHeap(bytes, 0, bytes.length);
            int[] actual = new int[parts + 1];
            int k = 0;
            for (int p = 0; p < bytes.length; p = heap.heapNext()[p]) {
                assertTrue(k < parts, "heap path produced more parts for " + s);
                actual[k++] = p;
            }
            actual[k] = bytes.length;
            assertEquals(parts, k, "part count for " + s);
            assertArrayEquals(expected, actual, "parts for " + s);
        }
    }

    @Test
    void longRandomWordsMergeAlikeOnBothPaths() {
        Vocabulary vocab = TokenizerCases.tiktoken().vocabulary();
        BytePairMerger merger = new BytePairMerger(vocab);
        Random random = new Random(11);
        for (int round = 0; round < 5; round++) {
            StringBuilder s = new StringBuilder();
            while (s.length() < 3_000) s.append((char) ('a' + random.nextInt(26)));
            byte[] bytes = s.toString().getBytes(StandardCharsets.UTF_8);
            int parts = merger.mergeFlat(bytes, 0, bytes.length, Vocabulary.NO_RANK);
            int[] expected = java.util.Arrays.copyOf(merger.boundaries(), parts);
            merger.mergeWithHeap(bytes, 0, bytes.length);
            int[] actual = new int[parts];
            int k = 0;
            for (int p = 0; p < bytes.length && k < parts; p = merger.heapNext()[p]) actual[k++] = p;
            assertArrayEquals(expected, actual);
        }
    }

    @Test
    void aHugeSinglePieceEncodesQuickly() {
        Tokenizer t = TokenizerCases.tiktoken();
        // One pre-tokenizer piece of 200k letters: quadratic merging would take minutes. The reference case
        // "abab…ab" (80 letters) is 40 tokens of "ab", so this must be 100k of them.
        String longWord = "ab".repeat(100_000);
        long start = System.nanoTime();
        int[] ids = t.encode(longWord, false);
        long ms = (System.nanoTime() - start) / 1_000_000;
        int ab = t.encode("ab", false)[0];
        assertEquals(100_000, ids.length);
        for (int id : ids) assertEquals(ab, id);
        assertTrue(ms < 5_000, "encoding a 200 kB word took " + ms + " ms");
    }
}
