package hy.runtime.convert;

/**
 * A tensor seen as rows of floats, in GGUF order: row {@code r} of a tensor with ggml shape {ne0, ne1, ne2} holds the
 * {@code ne0} contiguous weights of matrix {@code r / ne1}, row {@code r % ne1}. Implementations read lazily from
 * their backing store (a mapped file, a generator), so a converter holds only the rows it is encoding. They must be
 * safe to call from several threads at once.
 */
public interface RowSource {
    /** Weights per row (ggml ne[0]). */
    int rowLength();

    /** Rows in the whole tensor (product of ne[1..]). */
    long rowCount();

    /** Writes row {@code row} into {@code dst[offset .. offset + rowLength())}. */
    void readRow(long row, float[] dst, int offset);
}
