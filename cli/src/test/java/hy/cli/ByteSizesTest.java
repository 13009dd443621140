package hy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ByteSizesTest {
    @Test
    void binaryUnitsWithOneDecimal() {
        assertEquals("0 B", ByteSizes.human(0));
        assertEquals("1023 B", ByteSizes.human(1023));
        assertEquals("1.0 KiB", ByteSizes.human(1024));
        assertEquals("1.5 MiB", ByteSizes.human(3L << 19));
        assertEquals("45.2 GiB", ByteSizes.human(48_535_000_000L));
        assertEquals("8.0 EiB", ByteSizes.human(Long.MAX_VALUE));
    }

    @Test
    void groupedCounts() {
        assertEquals("80,393,183,232", ByteSizes.grouped(80_393_183_232L));
        assertEquals("-5", ByteSizes.grouped(-5));
    }
}
