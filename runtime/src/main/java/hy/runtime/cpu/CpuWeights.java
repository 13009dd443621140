package hy.runtime.cpu;

import hy.runtime.tensor.GgmlType;
import hy.runtime.tensor.Tensor;
import java.lang.foreign.Arena;

/**
 * Turns model tensors into {@link WeightMatrix} objects for the CPU, repacked when asked and possible (like
 * llama.cpp's {@code -rtr}), else used in place from the mapped file (types without a vector kernel through the
 * dequantizing fallback).
 */
public final class CpuWeights {
    private CpuWeights() {}

    /**
     * One 2-D weight: packed into {@code arena} when {@code repack} is set and {@link PackedWeights#canPack} allows,
     * else computed in place.
     */
    public static WeightMatrix matrix(Tensor w, boolean repack, Arena arena, CpuPool pool) {
        NativeKernels.Products products = NativeKernels.activeProducts();
        if (repack && interleaves(w)) return NativeMatrix.interleaved(w, arena, pool, products)[0];
        return repacks(w, repack) ? PackedWeights.pack(w, arena, pool) : inPlace(w);
    }

    /**
     * Whether -rtr copies {@code w} into the native kernels' interleaved layout: Q4_0 and Q8_0. Q4_K stays in place
     * (its interleaved decode reads a third more bytes and unpacks per sub-block: slower than in place; its batches
     * interleave on the fly).
     */
    private static boolean interleaves(Tensor w) {
        return w.type() != GgmlType.Q4_K && NativeKernels.supports(w.type(), NativeKernels.Layout.R16)
                && w.rowLength() % w.type().blockSize == 0;
    }

    /**
     * Whether {@code w} is copied with -rtr: into the native kernels' interleaved layout where they have one for its
     * type, else into {@link PackedWeights}' layout where it can and no native kernel reads the file's layout (those
     * kernels need no copy).
     */
    public static boolean repacks(Tensor w, boolean repack) {
        if (!repack) return false;
        if (interleaves(w)) return true;
        return !NativeKernels.supports(w.type()) && PackedWeights.canPack(w.type(), w.ne(0));
    }

    /** A 2-D weight computed in place: a vector kernel, or the dequantizing fallback for types without one. */
    static WeightMatrix inPlace(Tensor w) {
        return MatMul.supports(w.type()) ? MatMul.matrix(w) : new DequantizingMatrix(w);
    }

    /**
     * The matrices of a stacked expert tensor {in, out, experts}, index = expert. Packed ones share one allocation
     * (views of it); in-place ones are views of the tensor's memory.
     */
    public static WeightMatrix[] experts(Tensor stacked, boolean repack, Arena arena, CpuPool pool) {
        int count = Math.toIntExact(stacked.ne(2));
        WeightMatrix[] matrices = new WeightMatrix[count];
        if (repack && interleaves(stacked)) return NativeMatrix.interleaved(stacked, arena, pool, NativeKernels.activeProducts());
        if (repacks(stacked, repack)) {
            PackedWeights all = PackedWeights.pack(stacked, arena, pool);
            for (int e = 0; e < count; e++) matrices[e] = all.expert(e);
        } else {
            for (int e = 0; e < count; e++) matrices[e] = inPlace(stacked.slice2d(e));
        }
        return matrices;
    }
}
