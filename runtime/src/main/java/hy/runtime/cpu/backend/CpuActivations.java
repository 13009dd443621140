package hy.runtime.cpu.backend;

import hy.runtime.backend.Activations;

/** Activations on the Java heap: rows [first, first + tokens) of a shared float array of rows × width. */
final class CpuActivations implements Activations {
    final float[] data;
    final int first;
    final int tokens;
    final int width;

    CpuActivations(float[] data, int first, int tokens, int width) {
        this.data = data;
        this.first = first;
        this.tokens = tokens;
        this.width = width;
    }

    static CpuActivations of(Activations a) {
        if (a instanceof CpuActivations c) return c;
        throw new IllegalArgumentException("activations of another backend passed to the CPU backend");
    }

    /** Index of element 0 of row t in {@link #data}. */
    int at(int t) {
        return (first + t) * width;
    }

    @Override
    public int tokens() {
        return tokens;
    }

    @Override
    public int width() {
        return width;
    }

    @Override
    public Activations rows(int from, int count) {
        if (from < 0 || count < 0 || from + count > tokens) throw new IndexOutOfBoundsException("rows " + from + "+" + count + " of " + tokens);
        return new CpuActivations(data, first + from, count, width);
    }
}
