package hy.runtime.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Q4_0 repacked for the vector kernel. A row keeps 18 bytes per 32 weights, like the file, in a different order: it
 * is a sequence of chunks of 2L blocks (L = lanes), each holding the 2L f16 scales (64 bytes for L = 16, one cache
 * line) followed by the blocks' nibbles, so the row is read strictly front to back (with the scales stored apart,
 * at the row's end, the hardware prefetcher lost the stream and the kernel ran at half speed from DRAM).
 *
 * <p>The nibbles are reordered in groups of {@link #GROUP} weights (L/4 blocks) so that one load of 2L 16-bit lanes
 * yields four vectors of quants by shifting: lane k holds, in its nibble i, weight i·8 + (k mod 8) of block k / 8 of
 * the group. All four nibbles of a lane belong to the same block, so the four products are summed in 16 bits
 * (4·15·127 fits) and converted to float once per four blocks (L = 16). The activations are reordered the same way
 * once per token ({@link QuantizedActivations#preparePacked}). Scales are converted L at a time and spread over their
 * lanes with one permute per half group. That is one wide load and ~25 vector ops per four blocks, against four
 * narrow loads and ~60 ops in the file's layout.
 */
final class PackedQ4_0 {
    private PackedQ4_0() {}

    /** Short lanes per load: two nibble bytes each. */
    static final int WIDE = 2 * Simd.LANES;
    /** Weights per load: four nibbles per lane. */
    static final int GROUP = 4 * WIDE;
    /** Rows must be a multiple of this many weights: a chunk of 2L blocks. */
    static final int STEP = 64 * Simd.LANES;
    /** Bytes of one chunk: 2L scales and 2L blocks of nibbles. */
    private static final long CHUNK_BYTES = 36L * Simd.LANES;
    private static final VectorSpecies<Short> S2 = ShortVector.SPECIES_512.withShape(VectorShape.forBitSize(WIDE * 16));
    /** SPREAD[2g + part]: lane j takes the scale of block g·L/4 + part·L/8 + j/8 of the step. */
    private static final VectorShuffle<Float>[] SPREAD = spreads();

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] spreads() {
        VectorShuffle<Float>[] s = new VectorShuffle[8];
        for (int g = 0; g < 4; g++) {
            for (int part = 0; part < 2; part++) {
                int first = g * (Simd.LANES / 4) + part * (Simd.LANES / 8);
                s[2 * g + part] = VectorShuffle.fromOp(Simd.F, j -> first + j / 8);
            }
        }
        return s;
    }

    /** The natural index, within a group, of the weight (or activation) stored at packed position {@code p}. */
    static int naturalIndex(int p) {
        int nibble = p / WIDE;
        int lane = p % WIDE;
        return (lane / 8) * 32 + nibble * 8 + lane % 8;
    }

    static boolean canPack(int n) {
        return n % STEP == 0;
    }

    /** NATURAL[p]: the natural index, within a group, of packed position p. */
    private static final int[] NATURAL = new int[GROUP];

    static {
        for (int p = 0; p < GROUP; p++) NATURAL[p] = naturalIndex(p);
    }

    /**
     * Repacks one row of {@code n} weights from Q4_0 blocks at {@code src[srcOff..]} to {@code dst[dstOff..]}, through
     * the two scratch arrays (each at least the row's byte size), so the bit shuffling runs on plain arrays.
     */
    static void packRow(MemorySegment src, long srcOff, MemorySegment dst, long dstOff, int n, byte[] in, byte[] out) {
        int blocks = n / 32;
        int rowBytes = 18 * blocks;
        MemorySegment.copy(src, ValueLayout.JAVA_BYTE, srcOff, in, 0, rowBytes);
        byte[] q = new byte[GROUP];
        for (int g = 0; g < n; g += GROUP) {
            // The group's quants in natural order, one per byte.
            for (int b = 0; b < GROUP / 32; b++) {
                int at = 18 * (g / 32 + b) + 2;
                for (int j = 0; j < 16; j++) {
                    q[32 * b + j] = (byte) (in[at + j] & 0xF);
                    q[32 * b + 16 + j] = (byte) ((in[at + j] >> 4) & 0xF);
                }
            }
            int groupAt = (g / STEP) * (int) CHUNK_BYTES + 4 * Simd.LANES + (g % STEP) / 2;
            for (int lane = 0; lane < WIDE; lane++) {
                int bits = q[NATURAL[lane]] | q[NATURAL[WIDE + lane]] << 4 | q[NATURAL[2 * WIDE + lane]] << 8
                        | q[NATURAL[3 * WIDE + lane]] << 12;
                out[groupAt + 2 * lane] = (byte) bits;
                out[groupAt + 2 * lane + 1] = (byte) (bits >> 8);
            }
        }
        for (int b = 0; b < blocks; b++) {
            int at = (b / (2 * Simd.LANES)) * (int) CHUNK_BYTES + 2 * (b % (2 * Simd.LANES));
            out[at] = in[18 * b];
            out[at + 1] = in[18 * b + 1];
        }
        MemorySegment.copy(out, 0, dst, ValueLayout.JAVA_BYTE, dstOff, rowBytes);
    }

    /** dot(packed row at {@code off}, token {@code token} of x); x prepared with {@code preparePacked}. */
    static float dot(MemorySegment w, long off, int n, QuantizedActivations x, int token) {
        short[] aq = x.q32Packed();
        float[] ad = x.d32();
        float[] asum = x.sum32();
        int blocks = n >> 5;
        int a = token * n;
        int ab = token * blocks;
        FloatVector acc0 = FloatVector.zero(Simd.F);
        FloatVector acc1 = acc0;
        FloatVector offsets = acc0;
        for (int b0 = 0; b0 < blocks; b0 += Simd.LANES) {
            // A step covers L blocks: half a chunk. Its scales and nibbles sit at fixed places in the chunk.
            long chunk = off + (b0 / (2 * Simd.LANES)) * CHUNK_BYTES;
            int odd = (b0 / Simd.LANES) & 1;
            long scales = chunk + odd * 2L * Simd.LANES;
            long nibbles = chunk + 4L * Simd.LANES + odd * 16L * Simd.LANES;
            FloatVector dw = Simd.halfToFloat(ShortVector.fromMemorySegment(Simd.S, w, scales, Simd.LE));
            FloatVector s = dw.mul(FloatVector.fromArray(Simd.F, ad, ab + b0));
            offsets = dw.fma(FloatVector.fromArray(Simd.F, asum, ab + b0), offsets);
            for (int g = 0; g < 4; g++) {
                int e = 32 * b0 + g * GROUP;
                ShortVector v = ShortVector.fromMemorySegment(S2, w, nibbles + g * (GROUP / 2), Simd.LE);
                int ai = a + e;
                ShortVector p = v.and((short) 0xF).mul(ShortVector.fromArray(S2, aq, ai))
                        .add(v.lanewise(VectorOperators.LSHR, 4).and((short) 0xF).mul(ShortVector.fromArray(S2, aq, ai + WIDE)))
                        .add(v.lanewise(VectorOperators.LSHR, 8).and((short) 0xF).mul(ShortVector.fromArray(S2, aq, ai + 2 * WIDE)))
                        .add(v.lanewise(VectorOperators.LSHR, 12).mul(ShortVector.fromArray(S2, aq, ai + 3 * WIDE)));
                FloatVector f0 = (FloatVector) p.convertShape(VectorOperators.S2F, Simd.F, 0);
                FloatVector f1 = (FloatVector) p.convertShape(VectorOperators.S2F, Simd.F, 1);
                acc0 = f0.fma(s.rearrange(SPREAD[2 * g]), acc0);
                acc1 = f1.fma(s.rearrange(SPREAD[2 * g + 1]), acc1);
            }
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD) - 8 * offsets.reduceLanes(VectorOperators.ADD);
    }
}
