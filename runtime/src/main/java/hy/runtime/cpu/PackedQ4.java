package hy.runtime.cpu;

import hy.runtime.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * 4-bit weights repacked for the vector kernel: Q4_0 (value = d·(q − 8) per 32-block), Q4_K (value = d·sc·q −
 * dmin·m, with 6-bit sc and m per 32-block and f16 d, dmin per 256, which is the same thing as a 32-block with a
 * scale and a minimum), Q5_K (Q4_K with a fifth bit) and IQ4_XS (value = d·(ls − 32)·table[q]). {@link PackedQ6K} reuses the nibble groups.
 *
 * <p>A row is a sequence of chunks of 2L blocks (L = lanes), each a header of the blocks' scales followed by their
 * nibbles, so the row is read strictly front to back (with the scales at the row's end the hardware prefetcher lost
 * the stream and the kernel ran at half speed from DRAM). Q4_0 headers hold 2L f16 scales (4L bytes; a chunk is as big
 * as the file's blocks). Q4_K headers hold 2L u8 scales, 2L u8 mins and the L/4 super-blocks' f16 d and dmin (5L
 * bytes: 3% more than the file, whose 6-bit scales are packed tighter); Q5_K chunks add, before each group's
 * nibbles, L bytes holding the four fifth bits of each lane. IQ4_XS headers hold 2L int8 scales and the
 * L/4 f16 d (2.5L bytes, 1.5% more than the file).
 *
 * <p>The nibbles are reordered in groups of {@link #GROUP} weights (L/4 blocks) so that one load of 2L 16-bit lanes
 * yields four vectors of quants by shifting: lane k holds, in its nibble i, weight i·8 + (k mod 8) of block k / 8 of
 * the group. All four nibbles of a lane belong to the same block, so the four products are summed in 16 bits
 * (4·15·127 fits) and converted to float once per four blocks (L = 16). The activations are reordered the same way
 * once per token ({@link QuantizedActivations#preparePacked}); they use 32-blocks (Q8_0) for both types. Scales are
 * converted L at a time and spread over their lanes with one permute per half group (per group for Q4_0, which adds
 * neighbouring 16-bit lanes into 32-bit lanes first; see {@link #dotQ4_0}); the offset (Q4_0's 8, Q4_K's
 * minimum) goes through the activation block sums, L blocks per vector op. That is one wide load and ~25 vector ops
 * per four blocks, against four narrow loads and ~60 ops in the file's layout.
 */
final class PackedQ4 {
    private PackedQ4() {}

    /** Short lanes per load: two nibble bytes each. */
    static final int WIDE = 2 * Simd.LANES;
    /** Weights per load: four nibbles per lane. */
    static final int GROUP = 4 * WIDE;
    /** Rows must be a multiple of this many weights: a chunk of 2L blocks. */
    static final int STEP = 64 * Simd.LANES;
    static final VectorSpecies<Short> S2 = ShortVector.SPECIES_512.withShape(VectorShape.forBitSize(WIDE * 16));
    /** SPREAD[2g + part]: lane j takes the scale of block g·L/4 + part·L/8 + j/8 of the step. */
    static final VectorShuffle<Float>[] SPREAD = spreads();
    /** SPREAD4[g]: lane i (a pair of 16-bit lanes) takes the scale of block g·L/4 + i/4 of the step. */
    static final VectorShuffle<Float>[] SPREAD4 = spreads4();

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static VectorShuffle<Float>[] spreads4() {
        VectorShuffle<Float>[] s = new VectorShuffle[4];
        for (int g = 0; g < 4; g++) {
            int first = g * (Simd.LANES / 4);
            s[g] = VectorShuffle.fromOp(Simd.F, i -> first + i / 4);
        }
        return s;
    }

    /** SUPER[odd]: lane i takes super-block (odd·L + i) / 8 of the chunk (Q4_K's d); +L/4 for dmin. */
    static final VectorShuffle<Float>[] SUPER = superShuffles(0);
    private static final VectorShuffle<Float>[] SUPER_MIN = superShuffles(Simd.LANES / 4);
    /** 2L bytes, the plane load of Q5_K groups. */
    static final VectorSpecies<Byte> B2 = ByteVector.SPECIES_256.withShape(VectorShape.forBitSize(WIDE * 8));
    /** Lane k takes plane byte k mod L. */
    static final VectorShuffle<Short> PLANE_SPREAD = VectorShuffle.fromOp(S2, k -> k % Simd.LANES);
    /** Lanes L..2L-1 find their bits in the byte's high nibble. */
    static final ShortVector PLANE_SHIFT = ShortVector.zero(S2).addIndex(1).div((short) Simd.LANES).mul((short) 4);

    /** The IQ4 non-linear table in the first 16 of 2L 16-bit lanes, for lookups by permute. */
    private static final ShortVector IQ4_TABLE = iq4Table();

    private static ShortVector iq4Table() {
        short[] table = new short[WIDE];
        for (int i = 0; i < 16; i++) table[i] = Iq4Kernel.VALUES[i];
        return ShortVector.fromArray(S2, table, 0);
    }

    /** NATURAL[p]: the natural index, within a group, of packed position p. */
    static final int[] NATURAL = new int[GROUP];

    static {
        for (int p = 0; p < GROUP; p++) NATURAL[p] = naturalIndex(p);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
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

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static VectorShuffle<Float>[] superShuffles(int first) {
        VectorShuffle<Float>[] s = new VectorShuffle[2];
        for (int odd = 0; odd < 2; odd++) {
            int base = odd * Simd.LANES;
            s[odd] = VectorShuffle.fromOp(Simd.F, i -> first + (base + i) / 8);
        }
        return s;
    }

    /** The natural index, within a group, of the weight (or activation) stored at packed position {@code p}. */
    static int naturalIndex(int p) {
        int nibble = p / WIDE;
        int lane = p % WIDE;
        return (lane / 8) * 32 + nibble * 8 + lane % 8;
    }

    static boolean canPack(GgmlType type, int n) {
        return switch (type) {
            case Q4_0, Q4_K, Q5_K, Q6_K, IQ4_XS -> n % STEP == 0;
            default -> false;
        };
    }

    /** Header bytes of a chunk. */
    static int headerBytes(GgmlType type) {
        return switch (type) {
            case Q4_0 -> 4 * Simd.LANES;                       // 2L f16 scales
            case Q4_K, Q5_K -> 5 * Simd.LANES;                 // 2L u8 scales, 2L u8 mins, L/4 f16 d and dmin
            case IQ4_XS -> 2 * Simd.LANES + Simd.LANES / 2;    // 2L int8 scales, L/4 f16 d
            default -> throw new IllegalArgumentException(type.name());
        };
    }

    /** Bytes of the fifth-bit plane before each group's nibbles (Q5_K only): 4 bits for each of the 2L lanes. */
    private static int planeBytes(GgmlType type) {
        return type == GgmlType.Q5_K ? Simd.LANES : 0;
    }

    /** Bytes of a group: its plane and 2L lanes of nibbles. */
    static int groupBytes(GgmlType type) {
        return planeBytes(type) + GROUP / 2;
    }

    /** Bytes of a chunk: header and 2L blocks of groups. */
    static int chunkBytes(GgmlType type) {
        return headerBytes(type) + STEP / GROUP * groupBytes(type);
    }

    /** Bytes of a packed row of {@code n} weights. */
    static long rowBytes(GgmlType type, int n) {
        return type == GgmlType.Q6_K ? PackedQ6K.rowBytes(n) : (long) n / STEP * chunkBytes(type);
    }

    /**
     * Repacks one row of {@code n} weights of {@code type} at {@code src[srcOff..]} to {@code dst[dstOff..]} through
     * scratch arrays, so the bit shuffling runs on plain arrays: {@code in} holds the source row, {@code q} (n bytes)
     * its quants in natural order, {@code out} (packed row bytes) the result.
     */
    static void packRow(GgmlType type, MemorySegment src, long srcOff, MemorySegment dst, long dstOff, int n,
            byte[] in, byte[] q, byte[] out) {
        if (type == GgmlType.Q6_K) {
            PackedQ6K.packRow(src, srcOff, dst, dstOff, n, in, q, out);
            return;
        }
        int sourceBytes = (int) type.rowBytes(n);
        MemorySegment.copy(src, ValueLayout.JAVA_BYTE, srcOff, in, 0, sourceBytes);
        switch (type) {
            case Q4_0 -> unpackQ4_0(in, q, out, n);
            case Q4_K, Q5_K -> unpackK(in, q, out, n, type);
            default -> unpackIQ4_XS(in, q, out, n);
        }
        int header = headerBytes(type);
        int chunk = chunkBytes(type);
        int plane = planeBytes(type);
        for (int g = 0; g < n; g += GROUP) {
            int groupAt = (g / STEP) * chunk + header + (g % STEP) / GROUP * groupBytes(type);
            for (int lane = 0; lane < WIDE; lane++) {
                int bits = 0;
                int fifth = 0;
                for (int i = 0; i < 4; i++) {
                    int v = q[g + NATURAL[i * WIDE + lane]];
                    bits |= (v & 0xF) << (4 * i);
                    fifth |= ((v >> 4) & 1) << i;
                }
                out[groupAt + plane + 2 * lane] = (byte) bits;
                out[groupAt + plane + 2 * lane + 1] = (byte) (bits >> 8);
                // Plane byte j: the fifth bits of lane j (low nibble) and of lane j + L (high nibble).
                if (plane > 0) out[groupAt + lane % Simd.LANES] |= (byte) (fifth << (lane / Simd.LANES * 4));
            }
        }
        MemorySegment.copy(out, 0, dst, ValueLayout.JAVA_BYTE, dstOff, (int) rowBytes(type, n));
    }

    /** Q4_0 quants in natural order (byte j of a block: weight j low, j + 16 high) and the f16 scales into headers. */
    private static void unpackQ4_0(byte[] in, byte[] q, byte[] out, int n) {
        int chunk = chunkBytes(GgmlType.Q4_0);
        for (int b = 0; b < n / 32; b++) {
            int at = 18 * b;
            for (int j = 0; j < 16; j++) {
                q[32 * b + j] = (byte) (in[at + 2 + j] & 0xF);
                q[32 * b + 16 + j] = (byte) ((in[at + 2 + j] >> 4) & 0xF);
            }
            int header = (b / (2 * Simd.LANES)) * chunk + 2 * (b % (2 * Simd.LANES));
            out[header] = in[at];
            out[header + 1] = in[at + 1];
        }
    }

    /**
     * Q4_K or Q5_K quants in natural order (byte l of 64-weight chunk c: weight 64c + l low, 64c + 32 + l high; Q5_K's
     * bits 2c and 2c + 1 of qh[l] on top) and the unpacked 6-bit scales and mins, d and dmin into headers.
     */
    private static void unpackK(byte[] in, byte[] q, byte[] out, int n, GgmlType type) {
        int chunk = chunkBytes(type);
        boolean five = type == GgmlType.Q5_K;
        int qs = five ? 48 : 16;
        java.util.Arrays.fill(out, 0, (int) rowBytes(type, n), (byte) 0);   // planes are OR-ed in
        MemorySegment row = MemorySegment.ofArray(in);
        for (int s = 0; s < n / 256; s++) {
            int at = type.blockBytes * s;
            for (int c = 0; c < 4; c++) {
                for (int l = 0; l < 32; l++) {
                    int qh = five ? in[at + 16 + l] : 0;
                    q[256 * s + 64 * c + l] = (byte) ((in[at + qs + 32 * c + l] & 0xF) | ((qh >> (2 * c)) & 1) << 4);
                    q[256 * s + 64 * c + 32 + l] = (byte) (((in[at + qs + 32 * c + l] >> 4) & 0xF)
                            | ((qh >> (2 * c + 1)) & 1) << 4);
                }
            }
            long scales = Q4KKernel.scales(row, at + 4);
            long mins = Q4KKernel.mins(row, at + 4);
            for (int j = 0; j < 8; j++) {
                int b = 8 * s + j;
                int header = (b / (2 * Simd.LANES)) * chunk;
                out[header + b % (2 * Simd.LANES)] = (byte) (scales >>> (8 * j));
                out[header + 2 * Simd.LANES + b % (2 * Simd.LANES)] = (byte) (mins >>> (8 * j));
            }
            int superInChunk = s % (Simd.LANES / 4);
            int header = (s / (Simd.LANES / 4)) * chunk + 4 * Simd.LANES;
            out[header + 2 * superInChunk] = in[at];                                    // d
            out[header + 2 * superInChunk + 1] = in[at + 1];
            out[header + Simd.LANES / 2 + 2 * superInChunk] = in[at + 2];               // dmin
            out[header + Simd.LANES / 2 + 2 * superInChunk + 1] = in[at + 3];
        }
    }

    /**
     * IQ4_XS table indexes in natural order (block b: qs[16b + j] gives weight 32b + j low, 32b + 16 + j high), the
     * signed 6-bit block scales (ls − 32) and d into headers.
     */
    private static void unpackIQ4_XS(byte[] in, byte[] q, byte[] out, int n) {
        int chunk = chunkBytes(GgmlType.IQ4_XS);
        for (int s = 0; s < n / 256; s++) {
            int at = 136 * s;
            int scalesHigh = (in[at + 2] & 0xFF) | (in[at + 3] & 0xFF) << 8;
            for (int j = 0; j < 8; j++) {
                int b = 8 * s + j;
                for (int l = 0; l < 16; l++) {
                    q[32 * b + l] = (byte) (in[at + 8 + 16 * j + l] & 0xF);
                    q[32 * b + 16 + l] = (byte) ((in[at + 8 + 16 * j + l] >> 4) & 0xF);
                }
                int low = ((in[at + 4 + j / 2] & 0xFF) >> (4 * (j & 1))) & 0xF;
                int scale = (low | ((scalesHigh >> (2 * j)) & 3) << 4) - 32;
                out[(b / (2 * Simd.LANES)) * chunk + b % (2 * Simd.LANES)] = (byte) scale;
            }
            int d = (s / (Simd.LANES / 4)) * chunk + 2 * Simd.LANES + 2 * (s % (Simd.LANES / 4));
            out[d] = in[at];
            out[d + 1] = in[at + 1];
        }
    }

    /** dot(packed Q4_0 row at {@code off}, token {@code token} of x); x prepared with {@code preparePacked}. */
    static float dotQ4_0(MemorySegment w, long off, int n, QuantizedActivations x, int token) {
        short[] aq = x.q32Packed();
        float[] ad = x.d32();
        float[] asum = x.sum32();
        int blocks = n >> 5;
        int a = token * n;
        int ab = token * blocks;
        int chunkBytes = chunkBytes(GgmlType.Q4_0);
        FloatVector acc0 = FloatVector.zero(Simd.F);
        FloatVector offsets = acc0;
        for (int b0 = 0; b0 < blocks; b0 += Simd.LANES) {
            // A step covers L blocks: half a chunk. Its scales and nibbles sit at fixed places in the chunk.
            long chunk = off + (long) (b0 / (2 * Simd.LANES)) * chunkBytes;
            int odd = (b0 / Simd.LANES) & 1;
            long nibbles = chunk + 4L * Simd.LANES + odd * 16L * Simd.LANES;
            FloatVector dw = Simd.halfToFloat(ShortVector.fromMemorySegment(Simd.S, w, chunk + odd * 2L * Simd.LANES, Simd.LE));
            FloatVector s = dw.mul(FloatVector.fromArray(Simd.F, ad, ab + b0));
            offsets = dw.fma(FloatVector.fromArray(Simd.F, asum, ab + b0), offsets);
            // The group loop is repeated in dotQ4_K: a shared helper would take and return vectors, and C2 boxes
            // those when it does not inline the helper.
            for (int g = 0; g < 4; g++) {
                int ai = a + 32 * b0 + g * GROUP;
                ShortVector v = ShortVector.fromMemorySegment(S2, w, nibbles + g * (GROUP / 2), Simd.LE);
                ShortVector p = v.and((short) 0xF).mul(ShortVector.fromArray(S2, aq, ai))
                        .add(v.lanewise(VectorOperators.LSHR, 4).and((short) 0xF).mul(ShortVector.fromArray(S2, aq, ai + WIDE)))
                        .add(v.lanewise(VectorOperators.LSHR, 8).and((short) 0xF).mul(ShortVector.fromArray(S2, aq, ai + 2 * WIDE)))
                        .add(v.lanewise(VectorOperators.LSHR, 12).mul(ShortVector.fromArray(S2, aq, ai + 3 * WIDE)));
                // Neighbouring 16-bit lanes hold the same block: add them into 32-bit lanes and convert once (20%
                // faster than converting both halves of the 16-bit lanes). The other packed kernels keep the two
                // conversions: with the pair sum their graphs outgrew C2's inlining cutoff and the vectors were boxed.
                IntVector pairs = p.reinterpretAsInts();
                IntVector sums = pairs.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                        .add(pairs.lanewise(VectorOperators.ASHR, 16));
                acc0 = Simd.toFloat(sums).fma(s.rearrange(SPREAD4[g]), acc0);
            }
        }
        return Simd.sum(acc0) - 8 * Simd.sum(offsets);
    }

    /**
     * dot(packed IQ4_XS row at {@code off}, token {@code token} of x); x prepared with {@code preparePacked}. The
     * nibbles index the non-linear table with one permute per vector; table values reach ±127, so only two products
     * fit in 16 bits and the pairs of nibbles are converted to float apart.
     */
    static float dotIQ4_XS(MemorySegment w, long off, int n, QuantizedActivations x, int token) {
        short[] aq = x.q32Packed();
        float[] ad = x.d32();
        int blocks = n >> 5;
        int a = token * n;
        int ab = token * blocks;
        int chunkBytes = chunkBytes(GgmlType.IQ4_XS);
        int header = headerBytes(GgmlType.IQ4_XS);
        FloatVector acc0 = FloatVector.zero(Simd.F);
        FloatVector acc1 = acc0;
        for (int b0 = 0; b0 < blocks; b0 += Simd.LANES) {
            long chunk = off + (long) (b0 / (2 * Simd.LANES)) * chunkBytes;
            int odd = (b0 / Simd.LANES) & 1;
            long nibbles = chunk + header + odd * 16L * Simd.LANES;
            FloatVector d = Simd.halfToFloat(ShortVector.fromMemorySegment(Simd.S, w, chunk + 2L * Simd.LANES, Simd.LE))
                    .rearrange(SUPER[odd]);
            FloatVector s = Simd.toFloat(Simd.widen(ByteVector.fromMemorySegment(Simd.B, w, chunk + odd * Simd.LANES,
                    Simd.LE))).mul(d).mul(FloatVector.fromArray(Simd.F, ad, ab + b0));
            for (int g = 0; g < 4; g++) {
                int ai = a + 32 * b0 + g * GROUP;
                ShortVector v = ShortVector.fromMemorySegment(S2, w, nibbles + g * (GROUP / 2), Simd.LE);
                ShortVector p01 = v.and((short) 0xF).selectFrom(IQ4_TABLE).mul(ShortVector.fromArray(S2, aq, ai))
                        .add(v.lanewise(VectorOperators.LSHR, 4).and((short) 0xF).selectFrom(IQ4_TABLE)
                                .mul(ShortVector.fromArray(S2, aq, ai + WIDE)));
                ShortVector p23 = v.lanewise(VectorOperators.LSHR, 8).and((short) 0xF).selectFrom(IQ4_TABLE)
                        .mul(ShortVector.fromArray(S2, aq, ai + 2 * WIDE))
                        .add(v.lanewise(VectorOperators.LSHR, 12).selectFrom(IQ4_TABLE)
                                .mul(ShortVector.fromArray(S2, aq, ai + 3 * WIDE)));
                FloatVector f0 = ((FloatVector) p01.convertShape(VectorOperators.S2F, Simd.F, 0))
                        .add((FloatVector) p23.convertShape(VectorOperators.S2F, Simd.F, 0));
                FloatVector f1 = ((FloatVector) p01.convertShape(VectorOperators.S2F, Simd.F, 1))
                        .add((FloatVector) p23.convertShape(VectorOperators.S2F, Simd.F, 1));
                acc0 = f0.fma(s.rearrange(SPREAD[2 * g]), acc0);
                acc1 = f1.fma(s.rearrange(SPREAD[2 * g + 1]), acc1);
            }
        }
        return Simd.sum(acc0.add(acc1));
    }

    /** dot(packed Q4_K row at {@code off}, token {@code token} of x); x prepared with {@code preparePacked}. */
    static float dotQ4_K(MemorySegment w, long off, int n, QuantizedActivations x, int token) {
        short[] aq = x.q32Packed();
        float[] ad = x.d32();
        float[] asum = x.sum32();
        int blocks = n >> 5;
        int a = token * n;
        int ab = token * blocks;
        int chunkBytes = chunkBytes(GgmlType.Q4_K);
        FloatVector acc0 = FloatVector.zero(Simd.F);
        FloatVector acc1 = acc0;
        FloatVector offsets = acc0;
        for (int b0 = 0; b0 < blocks; b0 += Simd.LANES) {
            long chunk = off + (long) (b0 / (2 * Simd.LANES)) * chunkBytes;
            int odd = (b0 / Simd.LANES) & 1;
            long nibbles = chunk + 5L * Simd.LANES + odd * 4L * groupBytes(GgmlType.Q4_K);
            // d and dmin of the chunk's super-blocks (the vector's other lanes are unused), spread to their blocks.
            FloatVector supers = Simd.halfToFloat(ShortVector.fromMemorySegment(Simd.S, w, chunk + 4L * Simd.LANES, Simd.LE));
            FloatVector sc = Simd.toFloat(Simd.widen(ByteVector.fromMemorySegment(Simd.B, w, chunk + odd * Simd.LANES, Simd.LE))
                    .and((short) 0xFF));
            FloatVector m = Simd.toFloat(Simd.widen(ByteVector.fromMemorySegment(Simd.B, w,
                    chunk + 2L * Simd.LANES + odd * Simd.LANES, Simd.LE)).and((short) 0xFF));
            FloatVector s = sc.mul(supers.rearrange(SUPER[odd])).mul(FloatVector.fromArray(Simd.F, ad, ab + b0));
            offsets = m.mul(supers.rearrange(SUPER_MIN[odd])).fma(FloatVector.fromArray(Simd.F, asum, ab + b0), offsets);
            for (int g = 0; g < 4; g++) {
                int ai = a + 32 * b0 + g * GROUP;
                ShortVector v = ShortVector.fromMemorySegment(S2, w, nibbles + g * (GROUP / 2), Simd.LE);
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
        return Simd.sum(acc0.add(acc1)) - Simd.sum(offsets);
    }

    /**
     * dot(packed Q5_K row at {@code off}, ...): as {@link #dotQ4_K} with each group's plane of fifth bits, spread to its
     * 2L lanes by one permute and a per-lane shift, then added to the nibbles as 16.
     */
    static float dotQ5_K(MemorySegment w, long off, int n, QuantizedActivations x, int token) {
        short[] aq = x.q32Packed();
        float[] ad = x.d32();
        float[] asum = x.sum32();
        int blocks = n >> 5;
        int a = token * n;
        int ab = token * blocks;
        int chunkBytes = chunkBytes(GgmlType.Q5_K);
        FloatVector acc0 = FloatVector.zero(Simd.F);
        FloatVector acc1 = acc0;
        FloatVector offsets = acc0;
        for (int b0 = 0; b0 < blocks; b0 += Simd.LANES) {
            long chunk = off + (long) (b0 / (2 * Simd.LANES)) * chunkBytes;
            int odd = (b0 / Simd.LANES) & 1;
            long groups = chunk + 5L * Simd.LANES + odd * 4L * groupBytes(GgmlType.Q5_K);
            // d and dmin of the chunk's super-blocks (the vector's other lanes are unused), spread to their blocks.
            FloatVector supers = Simd.halfToFloat(ShortVector.fromMemorySegment(Simd.S, w, chunk + 4L * Simd.LANES, Simd.LE));
            FloatVector sc = Simd.toFloat(Simd.widen(ByteVector.fromMemorySegment(Simd.B, w, chunk + odd * Simd.LANES, Simd.LE))
                    .and((short) 0xFF));
            FloatVector m = Simd.toFloat(Simd.widen(ByteVector.fromMemorySegment(Simd.B, w,
                    chunk + 2L * Simd.LANES + odd * Simd.LANES, Simd.LE)).and((short) 0xFF));
            FloatVector s = sc.mul(supers.rearrange(SUPER[odd])).mul(FloatVector.fromArray(Simd.F, ad, ab + b0));
            offsets = m.mul(supers.rearrange(SUPER_MIN[odd])).fma(FloatVector.fromArray(Simd.F, asum, ab + b0), offsets);
            for (int g = 0; g < 4; g++) {
                int ai = a + 32 * b0 + g * GROUP;
                long at = groups + (long) g * groupBytes(GgmlType.Q5_K);
                // The plane's L bytes (and L bytes of nibbles after them, unused) widened, lanes j and j + L both
                // taking byte j, shifted so each lane's own four fifth bits are its low nibble.
                ShortVector h = ((ShortVector) ByteVector.fromMemorySegment(B2, w, at, Simd.LE)
                        .convertShape(VectorOperators.B2S, S2, 0)).rearrange(PLANE_SPREAD).lanewise(VectorOperators.ASHR, PLANE_SHIFT);
                ShortVector v = ShortVector.fromMemorySegment(S2, w, at + Simd.LANES, Simd.LE);
                ShortVector p = v.and((short) 0xF).or(h.and((short) 1).lanewise(VectorOperators.LSHL, 4))
                        .mul(ShortVector.fromArray(S2, aq, ai))
                        .add(v.lanewise(VectorOperators.LSHR, 4).and((short) 0xF).or(h.and((short) 2).lanewise(VectorOperators.LSHL, 3))
                                .mul(ShortVector.fromArray(S2, aq, ai + WIDE)))
                        .add(v.lanewise(VectorOperators.LSHR, 8).and((short) 0xF).or(h.and((short) 4).lanewise(VectorOperators.LSHL, 2))
                                .mul(ShortVector.fromArray(S2, aq, ai + 2 * WIDE)))
                        .add(v.lanewise(VectorOperators.LSHR, 12).or(h.and((short) 8).lanewise(VectorOperators.LSHL, 1))
                                .mul(ShortVector.fromArray(S2, aq, ai + 3 * WIDE)));
                FloatVector f0 = (FloatVector) p.convertShape(VectorOperators.S2F, Simd.F, 0);
                FloatVector f1 = (FloatVector) p.convertShape(VectorOperators.S2F, Simd.F, 1);
                acc0 = f0.fma(s.rearrange(SPREAD[2 * g]), acc0);
                acc1 = f1.fma(s.rearrange(SPREAD[2 * g + 1]), acc1);
            }
        }
        return Simd.sum(acc0.add(acc1)) - Simd.sum(offsets);
    }
}
