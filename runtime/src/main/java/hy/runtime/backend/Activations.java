package hy.runtime.backend;

/** A {@code tokens × width} float32 matrix owned by a backend; {@link #rows} makes a view of some of its rows. */
public interface Activations {
    int tokens();

    int width();

    /** A view of rows [from, from + count) sharing the same storage. */
    Activations rows(int from, int count);
}
