package hy.runtime.quant;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** Spot checks of the expanded grids against values listed in ggml-common.h. */
class IQGridsTest {
    private static long entry8(byte[] grid, int k) {
        long v = 0;
        for (int j = 7; j >= 0; j--) v = (v << 8) | (grid[8 * k + j] & 0xFF);
        return v;
    }

    private static int entry4(byte[] grid, int k) {
        int v = 0;
        for (int j = 3; j >= 0; j--) v = (v << 8) | (grid[4 * k + j] & 0xFF);
        return v;
    }

    @Test
    void gridEntriesMatchGgml() {
        assertEquals(0x0808080808080808L, entry8(IQGrids.IQ2XXS, 0));
        assertEquals(0x080808080808082bL, entry8(IQGrids.IQ2XXS, 1));
        assertEquals(0x2b2b2b1908081908L, entry8(IQGrids.IQ2XXS, 255));
        assertEquals(0x2b08080808080808L, entry8(IQGrids.IQ2XS, 400));
        assertEquals(0x190808082b2b0819L, entry8(IQGrids.IQ2S, 500));
        assertEquals(0x2b2b082b2b2b2b08L, entry8(IQGrids.IQ2S, 1002));
        assertEquals(0xffffffffffffff01L, entry8(IQGrids.IQ1S, 1));
        assertEquals(0x01ff00ff00ff00ffL, entry8(IQGrids.IQ1S, 1501));
        assertEquals(0x0101010101ff0101L, entry8(IQGrids.IQ1S, 2042));
        assertEquals(0x04040c3e, entry4(IQGrids.IQ3XXS, 5));
        assertEquals(0x2c0c2c2c, entry4(IQGrids.IQ3XXS, 204));
        assertEquals(0x0101010b, entry4(IQGrids.IQ3S, 3));
        assertEquals(0x0f0b0905, entry4(IQGrids.IQ3S, 508));
    }

    @Test
    void signTableMatchesGgml() {
        int[] firstRow = {0, 129, 130, 3, 132, 5, 6, 135, 136, 9, 10, 139, 12, 141, 142, 15};
        for (int i = 0; i < firstRow.length; i++) assertEquals(firstRow[i], IQGrids.KSIGNS[i] & 0xFF, "ksigns[" + i + "]");
        assertEquals(255, IQGrids.KSIGNS[127] & 0xFF);
        assertEquals(240, IQGrids.KSIGNS[112] & 0xFF);
    }
}
