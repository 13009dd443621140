package hy.runtime.cpu;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/**
 * The product of a weight matrix with a large batch of tokens, in float: each tile of {@link #ROWS} weight rows is
 * decoded once ({@link RowDecoder}) and multiplied with every token, {@link #TOKENS} tokens at a time, by a
 * register-blocked kernel. Per weight index k it loads two vectors of the tokens' activations from a k-major panel
 * (built once per batch, {@link #panel}) and broadcasts each of the tile's 12 weights against them: 24 fused
 * multiply-adds per 14 loads into 24 accumulators, each holding one row's outputs for LANES tokens. On the dev box
 * that ran at 60-80 % of the FMA peak, and decoding a tile costs about as much as one token's pass of the integer
 * kernels, so from a dozen tokens up this is several times faster than running those kernels token by token; the
 * activations are also used as they are, without 8-bit quantization.
 *
 * <p>The tile keeps each row's decoded weights in chunks of LANES, the chunks of the 12 rows side by side, so a weight
 * index's 12 broadcasts are at fixed distances from one moving address (with each row in its own stream the kernel
 * measured ~25 % slower). Each output is one sum over k in the decoder's order with one rounding per step, whatever
 * the row ranges, batch size or threads: results do not depend on how the work was cut.
 */
final class FloatGemm {
    private FloatGemm() {}

    private static final int LANES = Simd.LANES;
    /** Rows per tile, one broadcast each per weight index: 24 accumulators and two activation vectors in registers. */
    static final int ROWS = 12;
    /** Tokens per kernel pass: two vectors. */
    static final int TOKENS = 2 * LANES;
    /**
     * Batches of at least this many tokens take this path; smaller ones run the integer kernels token by token
     * (decoding a tile costs about as much as one token there, and a pass always computes {@link #TOKENS} tokens).
     */
    static final int MIN_TOKENS = Integer.getInteger("hy.cpu.floatGemmMinTokens", 16);

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** Per-thread buffers: one decoded row, the tile, and one pass's outputs. */
    private static final class Scratch {
        float[] row = new float[0];
        float[] tile = new float[0];
        final float[] out = new float[ROWS * TOKENS];

        Scratch fit(int n) {
            if (row.length < n) {
                row = new float[n];
                tile = new float[n * ROWS];
            }
            return this;
        }
    }

    /** Whether a product over {@code tokens} tokens should take this path. */
    static boolean worthIt(int tokens) {
        return Simd.ENABLED && tokens >= MIN_TOKENS;
    }

    /** Floats of the panel of {@code tokens} vectors of {@code n}: whole passes of {@link #TOKENS}. */
    static int panelLength(int n, int tokens) {
        return Math.multiplyExact((tokens + TOKENS - 1) / TOKENS * TOKENS, n);
    }

    /**
     * Lays out {@code tokens} activation vectors ({@code values[t·n ..][0, n)}) for the kernel: per pass of
     * {@link #TOKENS} tokens, k-major, so that {@code panel[(pass·n + k)·TOKENS + j]} is value k (in the decoder's
     * {@code order}, see {@link RowDecoder#order}) of token pass·TOKENS + j; tokens past the end are zero.
     */
    static void panel(float[] values, int n, int tokens, int[] order, float[] panel) {
        int passes = (tokens + TOKENS - 1) / TOKENS;
        int group = order == null ? n : order.length;
        for (int pass = 0; pass < passes; pass++) {
            int base = pass * n * TOKENS;
            for (int j = 0; j < TOKENS; j++) {
                int t = pass * TOKENS + j;
                if (t >= tokens) {
                    for (int k = 0; k < n; k++) panel[base + k * TOKENS + j] = 0;
                    continue;
                }
                int from = t * n;
                for (int g = 0; g < n; g += group) {
                    for (int p = 0; p < group; p++) {
                        panel[base + (g + p) * TOKENS + j] = values[from + g + (order == null ? p : order[p])];
                    }
                }
            }
        }
    }

    /**
     * {@code y[yOffset + t·yStride + r] = Σ_k W[r][k]·x[t][k]} for rows {@code [rowStart, rowEnd)} and tokens
     * {@code [0, tokens)}; row r of W starts at byte {@code r·rowBytes} of {@code w} and is read by {@code decoder};
     * x is the {@link #panel} of the tokens in the decoder's order.
     */
    static void multiply(RowDecoder decoder, MemorySegment w, long rowBytes, int n, float[] panel, int tokens,
            float[] y, int yOffset, int yStride, int rowStart, int rowEnd) {
        if (n % LANES != 0) throw new IllegalArgumentException("rows of " + n + " weights: not a multiple of " + LANES);
        Scratch s = SCRATCH.get().fit(n);
        for (int r0 = rowStart; r0 < rowEnd; r0 += ROWS) {
            int rows = Math.min(ROWS, rowEnd - r0);
            decodeTile(decoder, w, r0 * rowBytes, rowBytes, n, rows, s);
            for (int t0 = 0; t0 < tokens; t0 += TOKENS) {
                int valid = Math.min(TOKENS, tokens - t0);
                pass(s.tile, panel, t0 * n, n, s.out, valid > LANES);
                // Token by token: a token's outputs are adjacent in y, a row's outputs for two tokens yStride apart.
                for (int j = 0; j < valid; j++) {
                    int at = yOffset + (t0 + j) * yStride + r0;
                    for (int i = 0; i < rows; i++) y[at + i] = s.out[i * TOKENS + j];
                }
            }
        }
    }

    /**
     * Decodes {@code rows} rows into the tile: weight k of row i at {@code (k / LANES)·ROWS·LANES + i·LANES + k %
     * LANES}. Rows past {@code rows} keep old values; their outputs are not stored.
     */
    private static void decodeTile(RowDecoder decoder, MemorySegment w, long offset, long rowBytes, int n, int rows,
            Scratch s) {
        float[] row = s.row;
        float[] tile = s.tile;
        for (int i = 0; i < rows; i++, offset += rowBytes) {
            decoder.decode(w, offset, n, row);
            for (int k = 0, at = i * LANES; k < n; k += LANES, at += ROWS * LANES) {
                FloatVector.fromArray(Simd.F, row, k).intoArray(tile, at);
            }
        }
    }

    /**
     * One pass: the tile's 12 rows times the {@link #TOKENS} tokens whose panel starts at {@code p0} ({@code both}
     * vectors of them, else only the first LANES), over all n weights; out[i·TOKENS + j] = output of row i for
     * token j. The test on {@code both} is loop-invariant: C2 compiles the loop twice (unswitching), so the last pass
     * of a batch with at most LANES tokens left does half the work. The 12 rows are written out because vectors in
     * an array would live on the heap; the same kernel serves every weight type.
     */
    private static void pass(float[] tile, float[] panel, int p0, int n, float[] out, boolean both) {
        FloatVector a0 = FloatVector.zero(Simd.F), b0 = a0, a1 = a0, b1 = a0, a2 = a0, b2 = a0, a3 = a0, b3 = a0;
        FloatVector a4 = a0, b4 = a0, a5 = a0, b5 = a0, a6 = a0, b6 = a0, a7 = a0, b7 = a0;
        FloatVector a8 = a0, b8 = a0, a9 = a0, b9 = a0, a10 = a0, b10 = a0, a11 = a0, b11 = a0;
        for (int k = 0, p = p0; k < n; k++, p += TOKENS) {
            // One flat loop (a nested loop per chunk ran at a third of the speed); t = row 0's weight k.
            int t = (k / LANES) * (ROWS * LANES) + k % LANES;
            FloatVector xa = FloatVector.fromArray(Simd.F, panel, p);
            FloatVector xb = FloatVector.fromArray(Simd.F, panel, p + LANES);
            FloatVector v = FloatVector.broadcast(Simd.F, tile[t]);
            a0 = v.fma(xa, a0);
            if (both) b0 = v.fma(xb, b0);
            v = FloatVector.broadcast(Simd.F, tile[t + LANES]);
            a1 = v.fma(xa, a1);
            if (both) b1 = v.fma(xb, b1);
            v = FloatVector.broadcast(Simd.F, tile[t + 2 * LANES]);
            a2 = v.fma(xa, a2);
            if (both) b2 = v.fma(xb, b2);
            v = FloatVector.broadcast(Simd.F, tile[t + 3 * LANES]);
            a3 = v.fma(xa, a3);
            if (both) b3 = v.fma(xb, b3);
            v = FloatVector.broadcast(Simd.F, tile[t + 4 * LANES]);
            a4 = v.fma(xa, a4);
            if (both) b4 = v.fma(xb, b4);
            v = FloatVector.broadcast(Simd.F, tile[t + 5 * LANES]);
            a5 = v.fma(xa, a5);
            if (both) b5 = v.fma(xb, b5);
            v = FloatVector.broadcast(Simd.F, tile[t + 6 * LANES]);
            a6 = v.fma(xa, a6);
            if (both) b6 = v.fma(xb, b6);
            v = FloatVector.broadcast(Simd.F, tile[t + 7 * LANES]);
            a7 = v.fma(xa, a7);
            if (both) b7 = v.fma(xb, b7);
            v = FloatVector.broadcast(Simd.F, tile[t + 8 * LANES]);
            a8 = v.fma(xa, a8);
            if (both) b8 = v.fma(xb, b8);
            v = FloatVector.broadcast(Simd.F, tile[t + 9 * LANES]);
            a9 = v.fma(xa, a9);
            if (both) b9 = v.fma(xb, b9);
            v = FloatVector.broadcast(Simd.F, tile[t + 10 * LANES]);
            a10 = v.fma(xa, a10);
            if (both) b10 = v.fma(xb, b10);
            v = FloatVector.broadcast(Simd.F, tile[t + 11 * LANES]);
            a11 = v.fma(xa, a11);
            if (both) b11 = v.fma(xb, b11);
        }
        a0.intoArray(out, 0);
        b0.intoArray(out, LANES);
        a1.intoArray(out, TOKENS);
        b1.intoArray(out, TOKENS + LANES);
        a2.intoArray(out, 2 * TOKENS);
        b2.intoArray(out, 2 * TOKENS + LANES);
        a3.intoArray(out, 3 * TOKENS);
        b3.intoArray(out, 3 * TOKENS + LANES);
        a4.intoArray(out, 4 * TOKENS);
        b4.intoArray(out, 4 * TOKENS + LANES);
        a5.intoArray(out, 5 * TOKENS);
        b5.intoArray(out, 5 * TOKENS + LANES);
        a6.intoArray(out, 6 * TOKENS);
        b6.intoArray(out, 6 * TOKENS + LANES);
        a7.intoArray(out, 7 * TOKENS);
        b7.intoArray(out, 7 * TOKENS + LANES);
        a8.intoArray(out, 8 * TOKENS);
        b8.intoArray(out, 8 * TOKENS + LANES);
        a9.intoArray(out, 9 * TOKENS);
        b9.intoArray(out, 9 * TOKENS + LANES);
        a10.intoArray(out, 10 * TOKENS);
        b10.intoArray(out, 10 * TOKENS + LANES);
        a11.intoArray(out, 11 * TOKENS);
        b11.intoArray(out, 11 * TOKENS + LANES);
    }
}
