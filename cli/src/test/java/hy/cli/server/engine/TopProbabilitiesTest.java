package hy.cli.server.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TopProbabilitiesTest {

    @Test
    void theTopNOfAFullSortedSoftmax() {
        SplittableRandom rnd = new SplittableRandom(7);
        float[] logits = new float[1000];
        for (int i = 0; i < logits.length; i++) logits[i] = (float) (rnd.nextGaussian() * 3);
        double max = IntStream.range(0, 1000).mapToDouble(i -> logits[i]).max().orElseThrow();
        double sum = IntStream.range(0, 1000).mapToDouble(i -> Math.exp(logits[i] - max)).sum();
        Integer[] order = IntStream.range(0, 1000).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -logits[i]));
        List<TokenProbability> top = TopProbabilities.of(logits, 1000, 10);
        assertEquals(10, top.size());
        for (int k = 0; k < 10; k++) {
            assertEquals(order[k], top.get(k).id());
            assertEquals(Math.exp(logits[order[k]] - max) / sum, top.get(k).probability(), 1e-7);
        }
    }

    @Test
    void tiesGoToTheLowerIdAndNIsCappedAtTheVocabulary() {
        float[] logits = {1, 3, 3, 0};
        List<TokenProbability> top = TopProbabilities.of(logits, 4, 10);
        assertEquals(List.of(1, 2, 0, 3), top.stream().map(TokenProbability::id).toList());
        assertEquals(1.0, top.stream().mapToDouble(TokenProbability::probability).sum(), 1e-6);
    }

    @Test
    void onlyTheFirstVocabEntriesCount() {
        float[] logits = {0, 1, 100};
        assertEquals(1, TopProbabilities.of(logits, 2, 1).getFirst().id());
    }
}
