package hy.runtime.cpu;

import static hy.runtime.cpu.PackedQ4.GROUP;
import static hy.runtime.cpu.PackedQ4.NATURAL;
import static hy.runtime.cpu.PackedQ4.S2;
import static hy.runtime.cpu.PackedQ4.SPREAD;
import static hy.runtime.cpu.PackedQ4.WIDE;

import hy.runtime.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;

/**
 * Decodes rows of the packed layouts ({@link PackedQ4}, {@link PackedQ6K}) to floats, for the float product of large
 * batches. The values come out in packed order (within each group of {@link PackedQ4#GROUP} weights, the order
 * {@link PackedQ4#NATURAL} maps), which is how the layouts decode fastest; the product lays the activations out the
 * same way.
 *
 * <p>All five layouts share one shape: per step of L blocks (half a chunk) a scale and an offset per block (Q6_K: one
 * pair for each half of a block), then groups of 2L 16-bit lanes with four nibbles each, plus for Q5_K and Q6_K a
 * plane of high bits. One loop decodes them all, value = (table[nibble] | high bits « 4)·scale + offset, with the
 * parts a type lacks made neutral (identity table, high-bit mask 0) rather than branched over: C2 boxes vectors that
 * merge from two paths, and a type switch inside the loop pushed its graph past the inlining cutoff. The scales are
 * computed first, in scalar code, by one small method per type, into an array.
 */
final class PackedDecoders {
    private PackedDecoders() {}

    /** The decoder for packed rows of {@code type} (any type {@link PackedWeights#canPack} takes). */
    static RowDecoder of(GgmlType type) {
        return switch (type) {
            case Q4_0 -> Q4_0;
            case Q4_K -> Q4_K;
            case Q5_K -> Q5_K;
            case IQ4_XS -> IQ4_XS;
            case Q6_K -> Q6_K;
            default -> throw new IllegalArgumentException("no packed layout for " + type);
        };
    }

    private static final int L = Simd.LANES;
    /** Per thread: a row's scales and offsets (see {@link StepScales}), 4 floats per block. */
    private static final ThreadLocal<float[]> PER_BLOCK = ThreadLocal.withInitial(() -> new float[0]);
    /** Per thread: a copy of the chunk header being decoded (the largest header is Q4_K's 5L bytes). */
    private static final ThreadLocal<byte[]> HEADER = ThreadLocal.withInitial(() -> new byte[5 * Simd.LANES]);
    /** Lane k: k, a lookup that changes nothing. */
    private static final short[] IDENTITY = new short[WIDE];
    /** The IQ4 non-linear values in the first 16 of 2L lanes. */
    private static final short[] IQ4_VALUES = new short[WIDE];
    /** Q5_K's plane: lane k takes plane byte k mod L and shifts its own four bits down (see {@link PackedQ4#dotQ5_K}). */
    /** By highKind: how the 2L bytes of high bits spread over the lanes, and how far each lane shifts its byte. */
    @SuppressWarnings("unchecked")
    private static final VectorShuffle<Short>[] HIGH_LANES = new VectorShuffle[] {VectorShuffle.iota(S2, 0, 1, false),
            PackedQ4.PLANE_SPREAD};
    private static final ShortVector[] HIGH_SHIFTS = {ShortVector.zero(S2), PackedQ4.PLANE_SHIFT};
    /** highKind: a byte per lane (Q6_K, and the types without high bits), or Q5_K's plane of 4 bits per lane. */
    private static final int BYTE_PER_LANE = 0;
    private static final int PLANE = 1;

    static {
        for (int k = 0; k < WIDE; k++) IDENTITY[k] = (short) k;
        for (int k = 0; k < 16; k++) IQ4_VALUES[k] = Iq4Kernel.VALUES[k];
    }

    private static final RowDecoder Q4_0 = new Packed(PackedDecoders::q4_0Scales, PackedQ4.chunkBytes(GgmlType.Q4_0),
            PackedQ4.headerBytes(GgmlType.Q4_0), GROUP / 2, 0, 0, 0, (short) 0, IDENTITY, BYTE_PER_LANE);
    private static final RowDecoder Q4_K = new Packed(PackedDecoders::kQuantScales, PackedQ4.chunkBytes(GgmlType.Q4_K),
            PackedQ4.headerBytes(GgmlType.Q4_K), GROUP / 2, 0, 0, 0, (short) 0, IDENTITY, BYTE_PER_LANE);
    private static final RowDecoder IQ4_XS = new Packed(PackedDecoders::iq4xsScales, PackedQ4.chunkBytes(GgmlType.IQ4_XS),
            PackedQ4.headerBytes(GgmlType.IQ4_XS), GROUP / 2, 0, 0, 0, (short) 0, IQ4_VALUES, BYTE_PER_LANE);
    /** Q5_K groups: a plane of L bytes (the fifth bits), then the nibbles. */
    private static final RowDecoder Q5_K = new Packed(PackedDecoders::kQuantScales, PackedQ4.chunkBytes(GgmlType.Q5_K),
            PackedQ4.headerBytes(GgmlType.Q5_K), PackedQ4.groupBytes(GgmlType.Q5_K), L, 0, 1, (short) 1, IDENTITY,
            PLANE);
    /** Q6_K groups: the nibbles, then one byte of two high bits per nibble for each of the 2L lanes. */
    private static final RowDecoder Q6_K = new Packed(PackedDecoders::q6kScales, PackedQ6K.CHUNK, PackedQ6K.HEADER,
            PackedQ6K.GROUP_BYTES, 0, 4 * L, 2, (short) 3, IDENTITY, BYTE_PER_LANE);

    /**
     * One layout: bytes of a chunk, of its header and of a group; where a group's nibbles and high bits start; how
     * far apart a lane's high bits for successive nibbles are and their mask; the nibble lookup table; how the 2L
     * high-bit bytes spread over the lanes ({@link #HIGH_LANES}).
     */
    private record Packed(StepScales scales, int chunkBytes, int header, int groupBytes, int nibbles, int high,
            int highStep, short highMask, short[] table, int highKind) implements RowDecoder {
        @Override
        public void decode(MemorySegment w, long offset, int n, float[] dst) {
            decodeRow(this, w, offset, n, dst);
        }

        @Override
        public int[] order() {
            return NATURAL;
        }
    }

    /**
     * Writes a step's per-block scales and offsets for nibbles 0 and 1 of each lane to perBlock[at, at + 2L), and for
     * nibbles 2 and 3 to [at + 2L, at + 4L) (the same but for Q6_K, whose blocks have a scale per half), from a copy
     * of the chunk's header. Scalar on purpose: a few dozen values per 512 weights, and no vectors that C2 could box
     * when it inlines one of these into {@link #decodeRow} for a type it has rarely seen.
     */
    @FunctionalInterface
    private interface StepScales {
        void compute(byte[] header, int odd, float[] perBlock, int at);
    }

    private static float half(byte[] b, int at) {
        return Float.float16ToFloat((short) ((b[at] & 0xFF) | b[at + 1] << 8));
    }

    /** The step's last 2L values repeat its first 2L (types with one scale per block). */
    private static void samePairs(float[] perBlock, int at) {
        System.arraycopy(perBlock, at, perBlock, at + 2 * L, 2 * L);
    }

    /** Q4_0: d·(q − 8), an f16 d per block. */
    private static void q4_0Scales(byte[] header, int odd, float[] perBlock, int at) {
        for (int j = 0; j < L; j++) {
            float d = half(header, 2 * (odd * L + j));
            perBlock[at + j] = d;
            perBlock[at + L + j] = -8 * d;
        }
        samePairs(perBlock, at);
    }

    /** IQ4_XS: d·(ls − 32)·table[q], the signed ls − 32 per block, d per super-block. */
    private static void iq4xsScales(byte[] header, int odd, float[] perBlock, int at) {
        for (int j = 0; j < L; j++) {
            perBlock[at + j] = half(header, 2 * L + 2 * ((odd * L + j) / 8)) * header[odd * L + j];
            perBlock[at + L + j] = 0;
        }
        samePairs(perBlock, at);
    }

    /** Q4_K and Q5_K: d·sc·q − dmin·m, u8 sc and m per block, d and dmin per super-block. */
    private static void kQuantScales(byte[] header, int odd, float[] perBlock, int at) {
        for (int j = 0; j < L; j++) {
            int s = (odd * L + j) / 8;
            perBlock[at + j] = half(header, 4 * L + 2 * s) * (header[odd * L + j] & 0xFF);
            perBlock[at + L + j] = -half(header, 4 * L + L / 2 + 2 * s) * (header[2 * L + odd * L + j] & 0xFF);
        }
        samePairs(perBlock, at);
    }

    /** Q6_K: d·sc·(q − 32), an int8 sc for each half of a block, d per super-block. */
    private static void q6kScales(byte[] header, int odd, float[] perBlock, int at) {
        for (int j = 0; j < L; j++) {
            float d = half(header, 4 * L + 2 * ((odd * L + j) / 8));
            float first = d * header[odd * L + j];
            float second = d * header[2 * L + odd * L + j];
            perBlock[at + j] = first;
            perBlock[at + L + j] = -32 * first;
            perBlock[at + 2 * L + j] = second;
            perBlock[at + 3 * L + j] = -32 * second;
        }
    }

    /**
     * The scales of the row's steps into a per-thread array, then its groups. One method too big for C2 to inline
     * into its callers: inlined together with other decoders into the product's loop, the vector helpers passed the
     * inlining cutoff and their vectors were boxed.
     */
    private static void decodeRow(Packed p, MemorySegment w, long off, int n, float[] dst) {
        float[] perBlock = PER_BLOCK.get();
        if (perBlock.length < 4 * (n >> 5)) PER_BLOCK.set(perBlock = new float[4 * (n >> 5)]);
        byte[] header = HEADER.get();
        for (int b0 = 0; b0 < n >> 5; b0 += L) {
            if ((b0 / L & 1) == 0) {
                MemorySegment.copy(w, ValueLayout.JAVA_BYTE, off + (long) (b0 / (2 * L)) * p.chunkBytes(), header, 0, p.header());
            }
            p.scales().compute(header, (b0 / L) & 1, perBlock, 4 * b0);
        }
        int highStep = p.highStep();
        short highMask = p.highMask();
        boolean lookup = p.table() != IDENTITY;
        for (int b0 = 0; b0 < n >> 5; b0 += L) {
            long groups = off + (long) (b0 / (2 * L)) * p.chunkBytes() + p.header() + ((b0 / L) & 1) * 4L * p.groupBytes();
            for (int g = 0; g < 4; g++) {
                long at = groups + (long) g * p.groupBytes();
                // The type's constants are loaded here, not once before the loops: vectors live across a loop head
                // become phis that C2 failed to unbox.
                ShortVector table = ShortVector.fromArray(S2, p.table(), 0);
                VectorShuffle<Short> highLane = HIGH_LANES[p.highKind()];
                ShortVector highShift = HIGH_SHIFTS[p.highKind()];
                ShortVector v = ShortVector.fromMemorySegment(S2, w, at + p.nibbles(), Simd.LE);
                // 2L bytes from the high bits' offset (for types without, valid bytes that highMask = 0 drops).
                ShortVector high = ((ShortVector) ByteVector.fromMemorySegment(PackedQ4.B2, w, at + p.high(), Simd.LE)
                        .convertShape(VectorOperators.B2S, S2, 0)).rearrange(highLane)
                        .lanewise(VectorOperators.ASHR, highShift);
                // Nibbles 0, 1 and 2, 3 of a lane are the two halves of its block (Q6_K scales them apart).
                for (int pair = 0; pair < 2; pair++) {
                    int at2 = 4 * b0 + pair * 2 * L;
                    FloatVector scale = FloatVector.fromArray(Simd.F, perBlock, at2);
                    FloatVector offset = FloatVector.fromArray(Simd.F, perBlock, at2 + L);
                    FloatVector scale0 = scale.rearrange(SPREAD[2 * g]);
                    FloatVector offset0 = offset.rearrange(SPREAD[2 * g]);
                    FloatVector scale1 = scale.rearrange(SPREAD[2 * g + 1]);
                    FloatVector offset1 = offset.rearrange(SPREAD[2 * g + 1]);
                    for (int i = 2 * pair; i < 2 * pair + 2; i++) {
                        ShortVector q = v.lanewise(VectorOperators.LSHR, 4 * i).and((short) 0xF);
                        if (lookup) q = q.selectFrom(table);
                        if (highMask != 0) {
                            q = q.or(high.lanewise(VectorOperators.LSHR, highStep * i).and(highMask)
                                    .lanewise(VectorOperators.LSHL, 4));
                        }
                        int out = 32 * b0 + g * GROUP + i * WIDE;
                        ((FloatVector) q.convertShape(VectorOperators.S2F, Simd.F, 0)).fma(scale0, offset0)
                                .intoArray(dst, out);
                        ((FloatVector) q.convertShape(VectorOperators.S2F, Simd.F, 1)).fma(scale1, offset1)
                                .intoArray(dst, out + L);
                    }
                }
            }
        }
    }
}
