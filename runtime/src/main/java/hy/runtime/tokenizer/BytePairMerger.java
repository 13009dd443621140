package hy.runtime.tokenizer;

import java.util.Arrays;

/**
 * tiktoken's byte-pair merge: start from single bytes and repeatedly join the adjacent pair whose concatenation has
 * the lowest merge rank (the leftmost one on ties) until no adjacent pair is a token.
 *
 * <p>Short pieces (nearly all) use a flat array of part boundaries, rescanned after each merge; that is O(n²) but
 * cache-friendly and fast for n up to a few hundred bytes. Longer pieces (a run of thousands of letters or spaces)
 * switch to a linked list of parts and a min-heap of candidate pairs, O(n log n), so no input can make encoding
 * quadratic. Both produce the same merges; the tests compare them.
 *
 * <p>Holds scratch arrays, so one instance serves one thread.
 */
final class BytePairMerger {
    /** Pieces longer than this (in bytes) take the heap path. */
    static final int FLAT_LIMIT = 256;

    private final Vocabulary vocab;
    private int[] bounds = new int[64];
    private int[] pairRanks = new int[64];
    // Heap path scratch.
    private int[] nextPart = new int[0];
    private int[] prevPart = new int[0];
    private int[] heapPairRank = new int[0];
    private long[] heap = new long[0];

    BytePairMerger(Vocabulary vocab) {
        this.vocab = vocab;
    }

    /**
     * Appends the ids of bytes[from, to) (one pre-tokenized piece) to {@code out}. A piece that is itself a token is
     * that token, even where merging would not reach it (tiktoken looks the whole piece up first).
     */
    void encode(byte[] bytes, int from, int to, TokenIdList out) {
        int n = to - from;
        if (n == 0) return;
        if (n == 1) {
            out.add(byteToken(bytes[from]));
            return;
        }
        int whole = vocab.idOf(bytes, from, to);
        if (whole >= 0) {
            out.add(whole);
            return;
        }
        if (n <= FLAT_LIMIT) {
            int parts = mergeFlat(bytes, from, to, Vocabulary.NO_RANK);
            for (int k = 0; k < parts; k++) out.add(partId(bytes, bounds[k], bounds[k + 1]));
        } else {
            mergeWithHeap(bytes, from, to);
            for (int p = 0; p < n; p = nextPart[p]) out.add(partId(bytes, from + p, from + nextPart[p]));
        }
    }

    /**
     * Merges bytes[from, to) using only pairs whose rank is below {@code rankLimit}; returns the number of parts and
     * leaves their boundaries in {@link #boundaries()} (absolute indexes, parts + 1 of them).
     */
    int mergeFlat(byte[] bytes, int from, int to, int rankLimit) {
        int parts = to - from;
        if (bounds.length < parts + 1) {
            bounds = new int[parts + 1];
            pairRanks = new int[parts];
        }
        int[] b = bounds;
        int[] r = pairRanks;
        for (int k = 0; k <= parts; k++) b[k] = from + k;
        for (int k = 0; k + 1 < parts; k++) r[k] = rank(bytes, b[k], b[k + 2], rankLimit);
        while (parts > 1) {
            int best = -1;
            int bestRank = Vocabulary.NO_RANK;
            for (int k = 0; k + 1 < parts; k++) {
                if (r[k] < bestRank) {
                    bestRank = r[k];
                    best = k;
                }
            }
            if (best < 0) break;
            // Join parts best and best+1: drop boundary best+1 and the pair rank that started at best+1.
            System.arraycopy(b, best + 2, b, best + 1, parts - best - 1);
            System.arraycopy(r, best + 1, r, best, parts - best - 2);
            parts--;
            if (best + 1 < parts) r[best] = rank(bytes, b[best], b[best + 2], rankLimit);
            if (best > 0) r[best - 1] = rank(bytes, b[best - 1], b[best + 1], rankLimit);
        }
        return parts;
    }

    /** Boundaries left by the last {@link #mergeFlat} call. */
    int[] boundaries() {
        return bounds;
    }

    /**
     * The same merge order as {@link #mergeFlat} in O(n log n): parts form a linked list over byte offsets
     * (nextPart[p] = end of the part starting at p), candidate pairs sit in a min-heap keyed by (rank, start), and a
     * popped pair is used only if it still matches the current parts (stale entries are skipped).
     */
    void mergeWithHeap(byte[] bytes, int from, int to) {
        int n = to - from;
        if (nextPart.length < n + 1) {
            nextPart = new int[n + 1];
            prevPart = new int[n + 1];
            heapPairRank = new int[n + 1];
            heap = new long[2 * n + 2];
        }
        int[] next = nextPart;
        int[] prev = prevPart;
        int[] pairRank = heapPairRank;
        for (int p = 0; p < n; p++) {
            next[p] = p + 1;
            prev[p] = p - 1;
        }
        int size = 0;
        for (int p = 0; p + 1 < n; p++) {
            pairRank[p] = rank(bytes, from + p, from + p + 2, Vocabulary.NO_RANK);
            if (pairRank[p] != Vocabulary.NO_RANK) size = push(size, pairRank[p], p);
        }
        if (n > 0) pairRank[n - 1] = Vocabulary.NO_RANK;
        while (size > 0) {
            long top = heap[0];
            size = pop(size);
            int p = (int) top;
            int r = (int) (top >>> 32);
            if (prev[p] == -2 || pairRank[p] != r) continue; // part p was absorbed, or its pair changed since
            int q = next[p];
            int after = next[q];
            next[p] = after;
            prev[q] = -2; // q is gone
            if (after < n) prev[after] = p;
            pairRank[p] = after < n ? rank(bytes, from + p, from + next[after], Vocabulary.NO_RANK) : Vocabulary.NO_RANK;
            if (pairRank[p] != Vocabulary.NO_RANK) size = push(size, pairRank[p], p);
            int before = prev[p];
            if (before >= 0) {
                pairRank[before] = rank(bytes, from + before, from + after, Vocabulary.NO_RANK);
                if (pairRank[before] != Vocabulary.NO_RANK) size = push(size, pairRank[before], before);
            }
        }
    }

    /** Part starts after {@link #mergeWithHeap}: follow nextPart from 0 until it reaches the piece length. */
    int[] heapNext() {
        return nextPart;
    }

    private int push(int size, int rank, int pos) {
        if (size == heap.length) heap = Arrays.copyOf(heap, size * 2 + 2);
        long key = ((long) rank << 32) | pos;
        int i = size;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (heap[parent] <= key) break;
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = key;
        return size + 1;
    }

    private int pop(int size) {
        long last = heap[--size];
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) break;
            if (child + 1 < size && heap[child + 1] < heap[child]) child++;
            if (heap[child] >= last) break;
            heap[i] = heap[child];
            i = child;
        }
        if (size > 0) heap[i] = last;
        return size;
    }

    private int rank(byte[] bytes, int from, int to, int rankLimit) {
        int r = vocab.rankOf(bytes, from, to);
        return r < rankLimit ? r : Vocabulary.NO_RANK;
    }

    private int partId(byte[] bytes, int from, int to) {
        if (to - from == 1) return byteToken(bytes[from]);
        int id = vocab.idOf(bytes, from, to);
        if (id < 0) throw new IllegalStateException("merged part is not a token (inconsistent vocabulary)");
        return id;
    }

    private int byteToken(byte b) {
        int id = vocab.byteToken(b & 0xFF);
        if (id < 0) {
            throw new IllegalArgumentException(String.format("the vocabulary has no token for the byte 0x%02X, so this text cannot be encoded", b & 0xFF));
        }
        return id;
    }
}
