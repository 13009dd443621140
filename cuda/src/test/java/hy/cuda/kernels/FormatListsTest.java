package hy.cuda.kernels;

import static org.junit.jupiter.api.Assertions.*;

import hy.cuda.KernelSources;
import hy.runtime.tensor.GgmlType;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The Java format enums list exactly the formats the kernel X-macros instantiate. */
class FormatListsTest {
    @Test
    void weightFormatsMatchQuantBlocks() {
        assertEquals(KernelSources.xMacroNames("quant_blocks.cuh", "HY_FOR_EACH_WEIGHT_FORMAT"),
                Arrays.stream(WeightFormat.values()).map(WeightFormat::suffix).toList());
    }

    @Test
    void kvFormatsMatchKvFormats() {
        assertEquals(KernelSources.xMacroNames("kv_formats.cuh", "HY_FOR_EACH_KV_FORMAT"),
                Arrays.stream(KvFormat.values()).map(KvFormat::suffix).toList());
    }

    @Test
    void formatLookups() {
        assertEquals(WeightFormat.Q4_K, WeightFormat.of(GgmlType.Q4_K));
        assertNull(WeightFormat.of(GgmlType.IQ2_XXS));
        assertFalse(WeightFormat.F32.tensorCores());
        assertTrue(WeightFormat.Q8_0.tensorCores());
        assertEquals(KvFormat.Q8_0, KvFormat.of(GgmlType.Q8_0));
        assertNull(KvFormat.of(GgmlType.Q4_0));
        assertEquals(4 * 34, KvFormat.Q8_0.rowBytes(128));
        assertEquals(128, WeightFormat.units(4096));
        assertThrows(IllegalArgumentException.class, () -> WeightFormat.units(48));
    }
}
