package hy.runtime.cpu;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/** Simd.sum adds the lanes in one fixed tree, the same before and after C2 compiles it (reduceLanes does not). */
class SimdSumTest {
    /** The tree Simd.sum documents, in scalar floats: lane i + lane i ^ LANES/2, then ^ LANES/4, … */
    static float tree(float[] lanes) {
        float[] v = lanes.clone();
        for (int d = v.length / 2; d >= 1; d /= 2) {
            float[] next = new float[v.length];
            for (int i = 0; i < v.length; i++) next[i] = v[i] + v[i ^ d];
            v = next;
        }
        return v[0];
    }

    @Test
    void theFixedTreeInEveryTier() {
        SplittableRandom random = new SplittableRandom(3);
        float[][] cases = new float[64][Simd.LANES];
        for (float[] c : cases) {
            for (int i = 0; i < c.length; i++) c[i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(-6, 7)));
        }
        float[] first = new float[cases.length];
        for (int k = 0; k < cases.length; k++) {
            first[k] = Simd.sum(FloatVector.fromArray(Simd.F, cases[k], 0));
            assertEquals(Float.floatToIntBits(tree(cases[k])), Float.floatToIntBits(first[k]), "case " + k);
        }
        float sink = 0;
        for (int round = 0; round < 200_000; round++) sink += Simd.sum(FloatVector.fromArray(Simd.F, cases[round & 63], 0));
        assertTrue(Float.isFinite(sink) || Float.isInfinite(sink));
        for (int k = 0; k < cases.length; k++) {
            assertEquals(Float.floatToIntBits(first[k]), Float.floatToIntBits(Simd.sum(FloatVector.fromArray(Simd.F, cases[k], 0))),
                    "case " + k + " after the loop compiled Simd.sum");
        }
    }
}
