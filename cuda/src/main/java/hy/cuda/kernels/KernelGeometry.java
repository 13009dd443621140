package hy.cuda.kernels;

import hy.cuda.LaunchConfig;

/**
 * Every launch's grid and block size, in one place. The constants mirror the {@code constexpr}s of kernels-ptx/src
 * (KernelGeometryTest reads the sources and compares); the methods are pure, so the shapes can be checked without a
 * GPU.
 */
public final class KernelGeometry {
    private KernelGeometry() {}

    public static final int WARP = 32;
    public static final int EMBED_THREADS = 128;
    public static final int RMSNORM_THREADS = 256;
    public static final int ROPE_THREADS = 128;
    public static final int ELEMENTWISE_THREADS = 256;
    /** Grid-stride element-wise kernels use at most this many blocks. */
    public static final int ELEMENTWISE_MAX_BLOCKS = 4096;
    public static final int MATVEC_ROWS_PER_BLOCK = 4;
    public static final int MATVEC_THREADS = MATVEC_ROWS_PER_BLOCK * WARP;
    /** Tokens one matvec block serves (the NT template values of matvec.cu). */
    public static final int[] MATVEC_TOKEN_TILES = {1, 2, 4, 8};
    /** Batches up to this size use matvec kernels; larger ones the tensor-core kernels. */
    public static final int MATVEC_MAX_TOKENS = 8;
    public static final int MATMUL_TILE_ROWS = 64;
    public static final int MATMUL_TILE_TOKENS = 64;
    public static final int MATMUL_THREADS = 128;
    public static final int KV_STORE_THREADS = 128;
    public static final int ATTN_DECODE_THREADS = 128;
    public static final int ATTN_DECODE_TILE = 64;
    public static final int ATTN_MAX_GROUP = 8;
    public static final int ATTN_MAX_HEAD_DIM = 256;
    /** Decode attention splits a long cache into at most this many ranges per (token, KV head). */
    public static final int ATTN_MAX_SPLITS = 32;
    /** Positions per split below which more splits do not pay. */
    public static final int ATTN_POSITIONS_PER_SPLIT = 512;
    public static final int ATTN_PREFILL_THREADS = 128;
    public static final int ATTN_PREFILL_ROWS = 64;
    public static final int[] ATTN_PREFILL_HEAD_DIMS = {64, 128};
    public static final int MOE_ROUTE_WARPS = 4;
    public static final int MOE_MAX_EXPERTS = 8 * WARP;
    public static final int MOE_MAX_TOPK = 32;
    public static final int MOE_SORT_THREADS = 256;
    public static final int MOE_COMBINE_THREADS = 256;
    /** Expert slots per tensor-core tile: one tile is MATMUL_TILE_TOKENS slots of one expert. */
    public static final int MOE_TILE_SLOTS = MATMUL_TILE_TOKENS;

    static int ceilDiv(long a, long b) {
        return Math.toIntExact((a + b - 1) / b);
    }

    public static LaunchConfig embed(int units, int tokens) {
        return LaunchConfig.of(ceilDiv(units, EMBED_THREADS), tokens, 1, EMBED_THREADS);
    }

    public static LaunchConfig rmsNorm(int tokens) {
        return LaunchConfig.of(tokens, 1, 1, RMSNORM_THREADS);
    }

    public static LaunchConfig ropeNorm(int heads, int tokens) {
        return LaunchConfig.of(heads, tokens, 1, ROPE_THREADS);
    }

    public static LaunchConfig elementwise(long n) {
        return LaunchConfig.of((int) Math.max(1, Math.min(ELEMENTWISE_MAX_BLOCKS, (n + ELEMENTWISE_THREADS - 1) / ELEMENTWISE_THREADS)),
                1, 1, ELEMENTWISE_THREADS);
    }

    /** The smallest matvec token tile that holds {@code tokens} (capped at the largest tile). */
    public static int matvecTokenTile(int tokens) {
        for (int nt : MATVEC_TOKEN_TILES) if (nt >= tokens) return nt;
        return MATVEC_TOKEN_TILES[MATVEC_TOKEN_TILES.length - 1];
    }

    public static LaunchConfig matvec(int rows, int tokens) {
        int nt = matvecTokenTile(tokens);
        return LaunchConfig.of(ceilDiv(rows, MATVEC_ROWS_PER_BLOCK), 1, ceilDiv(tokens, nt), MATVEC_THREADS);
    }

    public static LaunchConfig matmul(int rows, int tokens) {
        return LaunchConfig.of(ceilDiv(rows, MATMUL_TILE_ROWS), ceilDiv(tokens, MATMUL_TILE_TOKENS), 1, MATMUL_THREADS);
    }

    public static LaunchConfig kvStore(int tokens) {
        return LaunchConfig.of(tokens, 2, 1, KV_STORE_THREADS);
    }

    /** Splits for decode attention over a cache of {@code contextLength}: fixed per cache, so graphs stay valid. */
    public static int attentionSplits(int contextLength) {
        return Math.clamp(ceilDiv(contextLength, ATTN_POSITIONS_PER_SPLIT), 1, ATTN_MAX_SPLITS);
    }

    public static LaunchConfig attentionSplit(int splits, int kvHeads, int tokens) {
        return LaunchConfig.of(splits, kvHeads, tokens, ATTN_DECODE_THREADS);
    }

    public static LaunchConfig attentionCombine(int heads, int tokens) {
        return LaunchConfig.of(heads, tokens, 1, ATTN_DECODE_THREADS);
    }

    /** Floats of the split-K partial records: (m, l, headDim values) per (token, head, split). */
    public static long attentionPartialFloats(int tokens, int heads, int splits, int headDim) {
        return (long) tokens * heads * splits * (headDim + 2);
    }

    public static LaunchConfig attentionPrefill(int tokens, int heads) {
        return LaunchConfig.of(ceilDiv(tokens, ATTN_PREFILL_ROWS), heads, 1, ATTN_PREFILL_THREADS);
    }

    public static LaunchConfig moeRoute(int tokens) {
        return LaunchConfig.of(ceilDiv(tokens, MOE_ROUTE_WARPS), 1, 1, MOE_ROUTE_WARPS * WARP);
    }

    public static LaunchConfig moeSort() {
        return LaunchConfig.of(1, 1, 1, MOE_SORT_THREADS);
    }

    /** The most tiles {@code slots} (token, expert) pairs can need: every expert's run may end in a partial tile. */
    public static int moeMaxTiles(int slots, int experts) {
        return ceilDiv(slots, MOE_TILE_SLOTS) + Math.min(experts, slots);
    }

    /** Grouped matvec: blocks stride over the slots, at most 65535 in y. */
    public static LaunchConfig moeMatvec(int rows, int maxSlots) {
        return LaunchConfig.of(ceilDiv(rows, MATVEC_ROWS_PER_BLOCK), Math.clamp(maxSlots, 1, LaunchConfig.MAX_GRID_Y), 1, MATVEC_THREADS);
    }

    public static LaunchConfig moeMatmul(int rows, int maxTiles) {
        if (maxTiles > LaunchConfig.MAX_GRID_Y) {
            throw new IllegalArgumentException(maxTiles + " expert tiles exceed one launch; use a smaller micro-batch (-ub)");
        }
        return LaunchConfig.of(ceilDiv(rows, MATMUL_TILE_ROWS), Math.max(1, maxTiles), 1, MATMUL_THREADS);
    }

    public static LaunchConfig moeCombine(int width, int tokens) {
        return LaunchConfig.of(ceilDiv(width, MOE_COMBINE_THREADS), tokens, 1, MOE_COMBINE_THREADS);
    }
}
