package hy.runtime.sampling;

import static org.junit.jupiter.api.Assertions.*;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SamplerTest {
    private static float[] randomLogits(int n, long seed) {
        Random r = new Random(seed);
        float[] l = new float[n];
        for (int i = 0; i < n; i++) l[i] = (float) r.nextGaussian() * 3;
        return l;
    }

    private static int argmax(float[] v) {
        int b = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[b]) b = i;
        return b;
    }

    @Test
    void greedyTakesTheArgmax() {
        float[] l = randomLogits(1000, 1);
        assertEquals(argmax(l), new Sampler(SamplerConfig.GREEDY).sample(l, 0, l.length));
    }

    @Test
    void topKOneIsGreedyAtAnyTemperature() {
        float[] l = randomLogits(5000, 2);
        Sampler s = new Sampler(new SamplerConfig(1.5f, 1, 1f, 0f, 1f, 0, 7));
        for (int i = 0; i < 20; i++) assertEquals(argmax(l), s.sample(l, 0, l.length));
    }

    @Test
    void topKKeepsOnlyTheKBest() {
        float[] l = randomLogits(3000, 3);
        float[] sorted = l.clone();
        java.util.Arrays.sort(sorted);
        float kth = sorted[sorted.length - 5];
        Sampler s = new Sampler(new SamplerConfig(5f, 5, 1f, 0f, 1f, 0, 11));
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            int t = s.sample(l, 0, l.length);
            assertTrue(l[t] >= kth, "sampled a token outside the top 5");
            seen.add(t);
        }
        assertEquals(5, seen.size(), "a high temperature should reach all five candidates");
    }

    @Test
    void sameSeedSameSequence() {
        float[] l = randomLogits(2000, 4);
        SamplerConfig c = SamplerConfig.HUNYUAN_DEFAULTS.withSeed(42);
        Sampler a = new Sampler(c), b = new Sampler(c);
        for (int i = 0; i < 50; i++) assertEquals(a.sample(l, 0, l.length), b.sample(l, 0, l.length));
    }

    @Test
    void frequenciesFollowTheSoftmax() {
        float[] l = {0f, (float) Math.log(3), (float) Math.log(6)}; // probabilities 0.1, 0.3, 0.6
        Sampler s = new Sampler(new SamplerConfig(1f, 0, 1f, 0f, 1f, 0, 5));
        int[] c = new int[3];
        int n = 60000;
        for (int i = 0; i < n; i++) c[s.sample(l, 0, 3)]++;
        assertEquals(0.1, c[0] / (double) n, 0.01);
        assertEquals(0.3, c[1] / (double) n, 0.01);
        assertEquals(0.6, c[2] / (double) n, 0.01);
    }

    @Test
    void topPCutsTheTail() {
        float[] l = {0f, (float) Math.log(3), (float) Math.log(6)}; // 0.1, 0.3, 0.6: top-p 0.8 keeps {0.6, 0.3}
        Sampler s = new Sampler(new SamplerConfig(1f, 0, 0.8f, 0f, 1f, 0, 5));
        for (int i = 0; i < 5000; i++) assertNotEquals(0, s.sample(l, 0, 3));
    }

    @Test
    void minPDropsUnlikelyTokens() {
        float[] l = {0f, (float) Math.log(3), (float) Math.log(6)}; // relative to max: 1/6, 1/2, 1
        Sampler s = new Sampler(new SamplerConfig(1f, 0, 1f, 0.4f, 1f, 0, 5));
        for (int i = 0; i < 5000; i++) assertNotEquals(0, s.sample(l, 0, 3));
    }

    @Test
    void repetitionPenaltyFollowsLlamaCppSignRule() {
        float[] l = {2f, 1.9f, -1f, -1.05f};
        Sampler s = new Sampler(new SamplerConfig(0f, 0, 1f, 0f, 2f, 64, 1));
        assertEquals(0, s.sample(l, 0, 4));
        s.accept(0); // 2 → 1, so 1.9 wins
        assertEquals(1, s.sample(l, 0, 4));
        assertEquals(2f, l[0], "the caller's logits are untouched");
    }

    @Test
    void rejectsBadSettings() {
        assertThrows(IllegalArgumentException.class, () -> new SamplerConfig(0.7f, -1, 0.8f, 0f, 1f, 64, 1));
        assertThrows(IllegalArgumentException.class, () -> new SamplerConfig(0.7f, 20, 0f, 0f, 1f, 64, 1));
        assertThrows(IllegalArgumentException.class, () -> new SamplerConfig(0.7f, 20, 0.8f, 2f, 1f, 64, 1));
        assertThrows(IllegalArgumentException.class, () -> new SamplerConfig(0.7f, 20, 0.8f, 0f, 0f, 64, 1));
    }

    @Test
    void orderedIntsSortLikeTheirFloats() {
        float[] f = {-Float.MAX_VALUE, -1e30f, -2.5f, -1f, -Float.MIN_VALUE, -0f, 0f, Float.MIN_VALUE, 1f, 1.0000001f, 3e38f,
                Float.POSITIVE_INFINITY};
        for (int i = 1; i < f.length; i++) {
            assertTrue(Sampler.orderedInt(f[i - 1]) < Sampler.orderedInt(f[i]), f[i - 1] + " < " + f[i]);
        }
        assertTrue(Sampler.orderedInt(Float.NEGATIVE_INFINITY) < Sampler.orderedInt(-Float.MAX_VALUE));
    }

    /** top-k 0 sorts the whole vocabulary: top-p must still keep exactly the most likely tokens, ties by id. */
    @Test
    void topPOverAWholeVocabularyKeepsTheMostLikely() {
        int vocab = 50_000;
        float[] l = new float[vocab];
        Random r = new Random(3);
        for (int i = 0; i < vocab; i++) l[i] = (float) r.nextGaussian() - 20f;
        l[31_000] = 10f;
        l[7] = 9f;
        l[8] = 9f; // ties with 7: both kept together or by id
        Sampler s = new Sampler(new SamplerConfig(1f, 0, 0.9f, 0f, 1f, 0, 11));
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 3000; i++) seen.add(s.sample(l, 0, vocab));
        // p(31000) ≈ 0.58, p(7) = p(8) ≈ 0.21: 0.58 + 0.21 < 0.9 ≤ 0.58 + 0.42, so exactly these three survive.
        assertEquals(Set.of(31_000, 7, 8), seen);
    }
}
