package hy.cuda.selftest;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class ErrorStatsTest {
    @Test
    void equalArraysAreExact() {
        ErrorStats e = ErrorStats.of(new float[] {1, -2, 3}, new float[] {1, -2, 3});
        assertEquals(0, e.relL2());
        assertTrue(e.within(0));
        assertEquals(-1, e.worstIndex());
    }

    @Test
    void relativeErrorAndWorstElement() {
        ErrorStats e = ErrorStats.of(new float[] {3, 4.01f}, new float[] {3, 4});
        assertEquals(0.01 / 5, e.relL2(), 1e-6);
        assertEquals(1, e.worstIndex());
        assertTrue(e.within(3e-3));
        assertFalse(e.within(1e-3));
        assertFalse(e.within(0), "exact demands equality");
    }

    @Test
    void unwrittenPoisonFailsEvenWithATinyError() {
        ErrorStats e = ErrorStats.of(new float[] {1, Float.NaN, 2}, new float[] {1, 5, 2});
        assertEquals(1, e.badValues());
        assertEquals(1, e.worstIndex());
        assertFalse(e.within(1));
        OpResult r = new OpResult("matmul", "q4_0", e, Precision.FLOAT32, 0.1, "", null);
        assertFalse(r.passed());
        assertTrue(r.row().contains("FAIL (1 NaN/unwritten of 3)"), r.row());
    }

    @Test
    void failuresAndTimingsFormat() {
        assertTrue(OpResult.failed("moe", "x", new IllegalStateException("boom")).row().contains("ERROR IllegalStateException: boom"));
        OpResult t = OpResult.timing("matmul", "q4_0 4096×4096 n=1", 0.0123, Timing.gbps(9.4e6, 0.0123));
        assertTrue(t.passed());
        assertTrue(t.row().contains("764 GB/s"), t.row());
        assertEquals("1.0 TFLOP/s", Timing.tflops(1e9, 1));
    }
}
