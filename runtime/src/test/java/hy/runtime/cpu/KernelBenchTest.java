package hy.runtime.cpu;

import static org.junit.jupiter.api.Assertions.*;

import hy.runtime.cpu.bench.KernelBench;
import hy.runtime.tensor.GgmlType;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class KernelBenchTest {
    @Test
    void printsAMarkdownTableWithOneRowPerType() {
        StringWriter text = new StringWriter();
        KernelBench.run(new PrintWriter(text), 2, 1, List.of(GgmlType.Q4_0, GgmlType.F32), 0.01);
        String out = text.toString();
        assertTrue(out.contains("available processors"), out);
        assertTrue(out.contains("| type | 1 thread GB/s | read 1t GB/s | % of read | 2 threads GB/s |"), out);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("| Q4_0 java | ")), out);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("| F32 java | ")), out);
        assertEquals(NativeKernels.supports(GgmlType.Q4_0), out.lines().anyMatch(l -> l.startsWith("| Q4_0 native | ")), out);
        assertEquals(NativeKernels.supports(GgmlType.Q4_0, NativeKernels.Layout.R16),
                out.lines().anyMatch(l -> l.startsWith("| Q4_0 native interleaved | ")), out);
        assertFalse(out.lines().anyMatch(l -> l.startsWith("| F32 native")), out);
        if (PackedWeights.canPack(GgmlType.Q4_0, 4096)) {
            assertTrue(out.lines().anyMatch(l -> l.startsWith("| Q4_0 java packed | ")), out);
        }
        assertFalse(out.contains("NaN") || out.contains("Infinity"), out);
    }
}
