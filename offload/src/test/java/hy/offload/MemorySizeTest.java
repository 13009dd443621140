package hy.offload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MemorySizeTest {
    @Test
    void binaryUnitsWithAnySuffixSpelling() {
        long g24 = 24L << 30;
        for (String s : List.of("24G", "24g", "24GB", "24GiB", "24 GiB", "24gib", "24576M", "25165824K", "25769803776")) {
            assertEquals(g24, MemorySize.parse(s), s);
        }
        assertEquals(24000L << 20, MemorySize.parse("24000M"));
        assertEquals((long) (23.5 * (1L << 30)), MemorySize.parse("23.5G"));
        assertEquals(1L << 40, MemorySize.parse("1T"));
        assertEquals(512, MemorySize.parse("512B"));
        assertEquals(0, MemorySize.parse("0"));
    }

    @Test
    void garbageIsRejectedWithTheValueAndAnExample() {
        for (String s : List.of("", "G", "24X", "-1G", "24 G B", "1e9", "twenty")) {
            var e = assertThrows(IllegalArgumentException.class, () -> MemorySize.parse(s), s);
            assertTrue(e.getMessage().contains("'" + s + "'") && e.getMessage().contains("24G"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> MemorySize.parse("99999999999T"));
    }

    @Test
    void gibHasTwoDecimals() {
        assertEquals("24.00", MemorySize.gib(24L << 30));
        assertEquals("0.50", MemorySize.gib(1L << 29));
    }

    @Test
    void humanPicksTheUnit() {
        assertEquals("17 B", MemorySize.human(17));
        assertEquals("1.50 KiB", MemorySize.human(1536));
        assertEquals("12.50 MiB", MemorySize.human(12_800L << 10));
        assertEquals("24.00 GiB", MemorySize.human(24L << 30));
        assertEquals("2.00 TiB", MemorySize.human(2L << 40));
    }
}
