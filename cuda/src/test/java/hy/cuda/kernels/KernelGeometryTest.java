package hy.cuda.kernels;

import static hy.cuda.kernels.KernelGeometry.*;
import static org.junit.jupiter.api.Assertions.*;

import hy.cuda.KernelSources;
import hy.cuda.LaunchConfig;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KernelGeometryTest {
    @Test
    void constantsEqualTheKernelSources() {
        Map<String, Integer> c = KernelSources.constants();
        Map<String, Integer> java = Map.ofEntries(
                Map.entry("WARP", WARP), Map.entry("EMBED_THREADS", EMBED_THREADS), Map.entry("RMSNORM_THREADS", RMSNORM_THREADS),
                Map.entry("ROPE_THREADS", ROPE_THREADS), Map.entry("ELEMENTWISE_THREADS", ELEMENTWISE_THREADS),
                Map.entry("MATVEC_WARPS", MATVEC_ROWS_PER_BLOCK), Map.entry("MATVEC_THREADS", MATVEC_THREADS),
                Map.entry("MM_TILE_ROWS", MATMUL_TILE_ROWS), Map.entry("MM_TILE_TOKENS", MATMUL_TILE_TOKENS),
                Map.entry("MM_THREADS", MATMUL_THREADS), Map.entry("KV_STORE_THREADS", KV_STORE_THREADS),
                Map.entry("AD_THREADS", ATTN_DECODE_THREADS), Map.entry("AD_TILE", ATTN_DECODE_TILE),
                Map.entry("AD_MAX_GROUP", ATTN_MAX_GROUP), Map.entry("AD_MAX_HEAD", ATTN_MAX_HEAD_DIM),
                Map.entry("AP_THREADS", ATTN_PREFILL_THREADS), Map.entry("AP_ROWS", ATTN_PREFILL_ROWS),
                Map.entry("ROUTE_WARPS", MOE_ROUTE_WARPS), Map.entry("ROUTE_MAX_EXPERTS", MOE_MAX_EXPERTS),
                Map.entry("ROUTE_MAX_TOPK", MOE_MAX_TOPK), Map.entry("SORT_THREADS", MOE_SORT_THREADS),
                Map.entry("COMBINE_THREADS", MOE_COMBINE_THREADS),
                Map.entry("UNIT", WeightFormat.UNIT));
        java.forEach((name, v) -> assertEquals(c.get(name), v, "constexpr " + name));
    }

    @Test
    void matvecTilesMatchTheInstantiatedKernels() {
        String src = KernelSources.read("matvec.cu");
        for (int nt : MATVEC_TOKEN_TILES) assertTrue(src.contains("HY_MATVEC_NT(name, B, " + nt + ")"), "NT " + nt);
        assertEquals(MATVEC_MAX_TOKENS, Arrays.stream(MATVEC_TOKEN_TILES).max().orElseThrow());
        assertEquals(1, matvecTokenTile(1));
        assertEquals(4, matvecTokenTile(3));
        assertEquals(8, matvecTokenTile(8));
        assertEquals(8, matvecTokenTile(1000));
    }

    @Test
    void gridsCoverEveryRowAndToken() {
        for (int rows : new int[] {1, 3, 4, 5, 64, 65, 4096, 128167}) {
            for (int tokens : new int[] {1, 2, 7, 8, 9, 64, 65, 513}) {
                LaunchConfig mv = matvec(rows, tokens);
                assertTrue((long) mv.gridX() * MATVEC_ROWS_PER_BLOCK >= rows);
                assertTrue((long) (mv.gridX() - 1) * MATVEC_ROWS_PER_BLOCK < rows, "no empty row blocks");
                assertTrue((long) mv.gridZ() * matvecTokenTile(tokens) >= tokens);
                LaunchConfig mm = matmul(rows, tokens);
                assertTrue((long) mm.gridX() * MATMUL_TILE_ROWS >= rows && (long) mm.gridY() * MATMUL_TILE_TOKENS >= tokens);
            }
        }
        LaunchConfig e = embed(128, 3);
        assertEquals(1, e.gridX());
        assertEquals(3, e.gridY());
        assertEquals(2, embed(129, 1).gridX());
    }

    @Test
    void elementwiseGridIsBoundedAndNonEmpty() {
        assertEquals(1, elementwise(0).gridX());
        assertEquals(1, elementwise(256).gridX());
        assertEquals(2, elementwise(257).gridX());
        assertEquals(ELEMENTWISE_MAX_BLOCKS, elementwise(1L << 40).gridX());
    }

    @Test
    void attentionSplitsGrowWithTheContextUpToTheCap() {
        assertEquals(1, attentionSplits(256));
        assertEquals(1, attentionSplits(512));
        assertEquals(2, attentionSplits(513));
        assertEquals(8, attentionSplits(4096));
        assertEquals(ATTN_MAX_SPLITS, attentionSplits(262144));
        assertEquals(8L * 32 * 4 * 130, attentionPartialFloats(8, 32, 4, 128));
    }

    @Test
    void moeTilesBoundEveryRouting() {
        // Worst case: every expert's run ends in a partial tile.
        int slots = 8 * 100, experts = 64;
        int worst = 0;
        for (int e = 0; e < experts; e++) worst += (slots / experts + MOE_TILE_SLOTS - 1) / MOE_TILE_SLOTS;
        assertTrue(moeMaxTiles(slots, experts) >= worst);
        assertTrue(moeMaxTiles(slots, experts) >= (slots + MOE_TILE_SLOTS - 1) / MOE_TILE_SLOTS);
        assertEquals(1 + 1, moeMaxTiles(1, 64), "one slot: one tile (+1 spare)");
        assertEquals(LaunchConfig.MAX_GRID_Y, moeMatvec(4096, 1_000_000).gridY(), "slots beyond 65535 are strided");
        assertThrows(IllegalArgumentException.class, () -> moeMatmul(4096, 70000));
    }
}
