package hy.runtime.cpu;

import static hy.runtime.cpu.PackedQ4.GROUP;
import static hy.runtime.cpu.PackedQ4.NATURAL;
import static hy.runtime.cpu.PackedQ4.S2;
import static hy.runtime.cpu.PackedQ4.SPREAD;
import static hy.runtime.cpu.PackedQ4.SUPER;
import static hy.runtime.cpu.PackedQ4.WIDE;

import hy.runtime.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
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
 * computed first, by one small method per type, into an array.
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
            float[] perBlock = PER_BLOCK.get();
            if (perBlock.length < 4 * (n >> 5)) PER_BLOCK.set(perBlock = new float[4 * (n >> 5)]);
            for (int b0 = 0; b0 < n >> 5; b0 += L) {
                scales.compute(w, offset + (long) (b0 / (2 * L)) * chunkBytes, (b0 / L) & 1, perBlock, 4 * b0);
            }
            decodeGroups(this, w, offset, n, dst, perBlock);
        }

        @Override
        public int[] order() {
            return NATURAL;
        }
    }

    /**
     * Writes a step's per-block scales and offsets for nibbles 0 and 1 of each lane to perBlock[at, at + 2L), and for
     * nibbles 2 and 3 to [at + 2L, at + 4L) (the same but for Q6_K, whose blocks have a scale per half). One method
     * per type, called through this interface: in one method with a type switch the graph passed C2's inlining
     * cutoff and its vectors were boxed.
     */
    @FunctionalInterface
    private interface StepScales {
        void compute(MemorySegment w, long chunk, int odd, float[] perBlock, int at);
    }

    /** Q4_0: d·(q − 8). */
    private static void q4_0Scales(MemorySegment w, long chunk, int odd, float[] perBlock, int at) {
        FloatVector d = Simd.halfToFloat(ShortVector.fromMemorySegment(Simd.S, w, chunk + odd * 2L * L, Simd.LE));
        d.intoArray(perBlock, at);
        d.mul(-8f).intoArray(perBlock, at + L);
        System.arraycopy(perBlock, at, perBlock, at + 2 * L, 2 * L);
    }

    /** IQ4_XS: d·(ls − 32)·table[q]. */
    private static void iq4xsScales(MemorySegment w, long chunk, int odd, float[] perBlock, int at) {
        FloatVector d = Simd.halfToFloat(ShortVector.fromMemorySegment(Simd.S, w, chunk + 2L * L, Simd.LE))
                .rearrange(SUPER[odd]);
        Simd.toFloat(Simd.widen(ByteVector.fromMemorySegment(Simd.B, w, chunk + odd * L, Simd.LE))).mul(d)
                .intoArray(perBlock, at);
        FloatVector.zero(Simd.F).intoArray(perBlock, at + L);
        System.arraycopy(perBlock, at, perBlock, at + 2 * L, 2 * L);
    }

    /** Q4_K and Q5_K: d·sc·q − dmin·m, d and dmin per super-block, u8 sc and m per block. */
    private static void kQuantScales(MemorySegment w, long chunk, int odd, float[] perBlock, int at) {
        FloatVector supers = Simd.halfToFloat(ShortVector.fromMemorySegment(Simd.S, w, chunk + 4L * L, Simd.LE));
        Simd.toFloat(Simd.widen(ByteVector.fromMemorySegment(Simd.B, w, chunk + odd * L, Simd.LE)).and((short) 0xFF))
                .mul(supers.rearrange(SUPER[odd])).intoArray(perBlock, at);
        Simd.toFloat(Simd.widen(ByteVector.fromMemorySegment(Simd.B, w, chunk + 2L * L + odd * L, Simd.LE))
                .and((short) 0xFF)).mul(supers.rearrange(PackedQ4.SUPER_MIN[odd])).neg().intoArray(perBlock, at + L);
        System.arraycopy(perBlock, at, perBlock, at + 2 * L, 2 * L);
    }

    /** Q6_K: d·sc·(q − 32), an int8 sc for each half of a block. */
    private static void q6kScales(MemorySegment w, long chunk, int odd, float[] perBlock, int at) {
        FloatVector d = Simd.halfToFloat(ShortVector.fromMemorySegment(Simd.S, w, chunk + 4L * L, Simd.LE))
                .rearrange(SUPER[odd]);
        FloatVector first = Simd.toFloat(Simd.widen(ByteVector.fromMemorySegment(Simd.B, w, chunk + odd * L, Simd.LE)))
                .mul(d);
        FloatVector second = Simd.toFloat(Simd.widen(ByteVector.fromMemorySegment(Simd.B, w, chunk + 2L * L + odd * L,
                Simd.LE))).mul(d);
        first.intoArray(perBlock, at);
        first.mul(-32f).intoArray(perBlock, at + L);
        second.intoArray(perBlock, at + 2 * L);
        second.mul(-32f).intoArray(perBlock, at + 3 * L);
    }

    private static void decodeGroups(Packed p, MemorySegment w, long off, int n, float[] dst, float[] perBlock) {
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
