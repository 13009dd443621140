package hy.runtime.tokenizer;

import java.util.Arrays;

/** A growable list of token ids without boxing; encoders append to it, callers take {@link #toArray()}. */
final class TokenIdList {
    private int[] ids;
    private int size;

    TokenIdList(int initialCapacity) {
        ids = new int[Math.max(4, initialCapacity)];
    }

    void add(int id) {
        if (size == ids.length) ids = Arrays.copyOf(ids, Math.max(8, size + (size >> 1)));
        ids[size++] = id;
    }

    int size() {
        return size;
    }

    int get(int i) {
        return ids[i];
    }

    int[] toArray() {
        return Arrays.copyOf(ids, size);
    }
}
