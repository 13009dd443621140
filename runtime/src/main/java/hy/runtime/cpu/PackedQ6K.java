package hy.runtime.cpu;

import static hy.runtime.cpu.PackedQ4.GROUP;
import static hy.runtime.cpu.PackedQ4.NATURAL;
import static hy.runtime.cpu.PackedQ4.S2;
import static hy.runtime.cpu.PackedQ4.SPREAD;
import static hy.runtime.cpu.PackedQ4.STEP;
import static hy.runtime.cpu.PackedQ4.SUPER;
import static hy.runtime.cpu.PackedQ4.WIDE;

import hy.runtime.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Q6_K repacked for the vector kernel, in the same nibble groups as {@link PackedQ4} (same activation order) plus a
 * plane of the 2 high bits: for each group, one byte per 16-bit lane whose bit pair i extends nibble i of that lane.
 * A chunk of 2L blocks (the same bytes as the file's super-blocks) holds a header (the int8 scale of the first and of
 * the second 16 weights of each block, then the f16 d of each super-block) and then, per group, its nibbles and
 * high bits. Value = d·sc·(q − 32): the kernel multiplies the unsigned 6-bit q, summing nibbles 0 and 1 of a lane
 * (the block's first 16 weights) and 2 and 3 (the second 16) apart, since they have different scales; the −32 goes
 * through the activation sums per 16.
 */
final class PackedQ6K {
    private PackedQ6K() {}

    private static final VectorSpecies<Byte> B2 = ByteVector.SPECIES_256.withShape(VectorShape.forBitSize(WIDE * 8));
    /** Header: 2L scales of first halves, 2L of second halves, L/4 f16 d. */
    static final int HEADER = 4 * Simd.LANES + Simd.LANES / 2;
    /** A group: 2L lanes of nibbles (4L bytes) and 2L bytes of high bits. */
    static final int GROUP_BYTES = 6 * Simd.LANES;
    static final int CHUNK = HEADER + (STEP / GROUP) * GROUP_BYTES;

    static long rowBytes(int n) {
        return (long) n / STEP * CHUNK;
    }

    /** Repacks one Q6_K row (see {@link PackedQ4#packRow} for the scratch arrays). */
    static void packRow(MemorySegment src, long srcOff, MemorySegment dst, long dstOff, int n, byte[] in, byte[] q,
            byte[] out) {
        MemorySegment.copy(src, ValueLayout.JAVA_BYTE, srcOff, in, 0, (int) GgmlType.Q6_K.rowBytes(n));
        for (int s = 0; s < n / 256; s++) {
            int at = 210 * s;
            for (int h = 0; h < 2; h++) {
                for (int k = 0; k < 4; k++) {
                    for (int l = 0; l < 32; l++) {
                        int low = (in[at + 64 * h + 32 * (k & 1) + l] >> (4 * (k >> 1))) & 0xF;
                        int high = (in[at + 128 + 32 * h + l] >> (2 * k)) & 3;
                        q[256 * s + 128 * h + 32 * k + l] = (byte) (low | high << 4);
                    }
                }
            }
            for (int j = 0; j < 8; j++) {
                int b = 8 * s + j;
                int header = (b / (2 * Simd.LANES)) * CHUNK + b % (2 * Simd.LANES);
                out[header] = in[at + 192 + 2 * j];
                out[header + 2 * Simd.LANES] = in[at + 192 + 2 * j + 1];
            }
            int d = (s / (Simd.LANES / 4)) * CHUNK + 4 * Simd.LANES + 2 * (s % (Simd.LANES / 4));
            out[d] = in[at + 208];
            out[d + 1] = in[at + 209];
        }
        for (int g = 0; g < n; g += GROUP) {
            int groupAt = (g / STEP) * CHUNK + HEADER + (g % STEP) / GROUP * GROUP_BYTES;
            for (int lane = 0; lane < WIDE; lane++) {
                int nibbles = 0;
                int high = 0;
                for (int i = 0; i < 4; i++) {
                    int v = q[g + NATURAL[i * WIDE + lane]];
                    nibbles |= (v & 0xF) << (4 * i);
                    high |= (v >> 4) << (2 * i);
                }
                out[groupAt + 2 * lane] = (byte) nibbles;
                out[groupAt + 2 * lane + 1] = (byte) (nibbles >> 8);
                out[groupAt + 4 * Simd.LANES + lane] = (byte) high;
            }
        }
        MemorySegment.copy(out, 0, dst, ValueLayout.JAVA_BYTE, dstOff, (int) rowBytes(n));
    }

    /** dot(packed Q6_K row at {@code off}, token {@code token} of x); x prepared with {@code preparePacked}. */
    static float dot(MemorySegment w, long off, int n, QuantizedActivations x, int token) {
        short[] aq = x.q32Packed();
        float[] ad = x.d32();
        float[] firstSums = x.sum16First();
        float[] secondSums = x.sum16Second();
        int blocks = n >> 5;
        int a = token * n;
        int ab = token * blocks;
        FloatVector acc = FloatVector.zero(Simd.F);
        FloatVector offsets = acc;
        for (int b0 = 0; b0 < blocks; b0 += Simd.LANES) {
            long chunk = off + (long) (b0 / (2 * Simd.LANES)) * CHUNK;
            int odd = (b0 / Simd.LANES) & 1;
            FloatVector d = Simd.halfToFloat(ShortVector.fromMemorySegment(Simd.S, w, chunk + 4L * Simd.LANES, Simd.LE))
                    .rearrange(SUPER[odd]);
            FloatVector first = Simd.toFloat(Simd.widen(ByteVector.fromMemorySegment(Simd.B, w, chunk + odd * Simd.LANES,
                    Simd.LE))).mul(d);
            FloatVector second = Simd.toFloat(Simd.widen(ByteVector.fromMemorySegment(Simd.B, w,
                    chunk + 2L * Simd.LANES + odd * Simd.LANES, Simd.LE))).mul(d);
            offsets = first.fma(FloatVector.fromArray(Simd.F, firstSums, ab + b0), offsets);
            offsets = second.fma(FloatVector.fromArray(Simd.F, secondSums, ab + b0), offsets);
            FloatVector da = FloatVector.fromArray(Simd.F, ad, ab + b0);
            first = first.mul(da);
            second = second.mul(da);
            long groups = chunk + HEADER + odd * 4L * GROUP_BYTES;
            for (int g = 0; g < 4; g++) {
                int ai = a + 32 * b0 + g * GROUP;
                long at = groups + (long) g * GROUP_BYTES;
                ShortVector v = ShortVector.fromMemorySegment(S2, w, at, Simd.LE);
                ShortVector h = (ShortVector) ByteVector.fromMemorySegment(B2, w, at + 4L * Simd.LANES, Simd.LE)
                        .convertShape(VectorOperators.B2S, S2, 0);
                ShortVector q0 = v.and((short) 0xF).or(h.and((short) 3).lanewise(VectorOperators.LSHL, 4));
                ShortVector q1 = v.lanewise(VectorOperators.LSHR, 4).and((short) 0xF)
                        .or(h.and((short) 0xC).lanewise(VectorOperators.LSHL, 2));
                ShortVector q2 = v.lanewise(VectorOperators.LSHR, 8).and((short) 0xF).or(h.and((short) 0x30));
                ShortVector q3 = v.lanewise(VectorOperators.LSHR, 12)
                        .or(h.and((short) 0xC0).lanewise(VectorOperators.LSHR, 2));
                ShortVector pFirst = q0.mul(ShortVector.fromArray(S2, aq, ai))
                        .add(q1.mul(ShortVector.fromArray(S2, aq, ai + WIDE)));
                ShortVector pSecond = q2.mul(ShortVector.fromArray(S2, aq, ai + 2 * WIDE))
                        .add(q3.mul(ShortVector.fromArray(S2, aq, ai + 3 * WIDE)));
                acc = ((FloatVector) pFirst.convertShape(VectorOperators.S2F, Simd.F, 0))
                        .fma(first.rearrange(SPREAD[2 * g]), acc);
                acc = ((FloatVector) pFirst.convertShape(VectorOperators.S2F, Simd.F, 1))
                        .fma(first.rearrange(SPREAD[2 * g + 1]), acc);
                acc = ((FloatVector) pSecond.convertShape(VectorOperators.S2F, Simd.F, 0))
                        .fma(second.rearrange(SPREAD[2 * g]), acc);
                acc = ((FloatVector) pSecond.convertShape(VectorOperators.S2F, Simd.F, 1))
                        .fma(second.rearrange(SPREAD[2 * g + 1]), acc);
            }
        }
        return Simd.sum(acc) - 32 * Simd.sum(offsets);
    }
}
