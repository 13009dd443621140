package hy.runtime.tokenizer;

import java.util.Arrays;

/**
 * An immutable map from byte strings to int values, looked up by a range of a caller's byte array.
 *
 * <p>Byte-pair encoding asks "is bytes[from, to) a token, and which?" several times per input byte. A
 * {@code HashMap<String, Integer>} would allocate a key per question; this table hashes the range in place and compares
 * it against one shared pool of key bytes. The layout is chosen for cache misses, which dominate with 128k keys:
 * open addressing with linear probing where each slot packs (full 32-bit hash, entry) into one long, so most misses
 * never leave the slot array, and each entry keeps (start, end, value) side by side.
 */
final class ByteSequenceTable {
    private static final long EMPTY = 0;

    private final byte[] pool;
    /** Per entry: start in pool, end in pool, value. */
    private final int[] entries;
    /** Per slot: hash in the high 32 bits, entry index + 1 in the low 32 bits; 0 when empty. */
    private final long[] slots;
    private final int mask;
    private final int maxKeyLength;

    /**
     * Builds the table. A key that occurs twice keeps its first value (the lowest id when keys are given in id
     * order).
     */
    ByteSequenceTable(byte[][] keys, int[] keyValues) {
        if (keys.length != keyValues.length) throw new IllegalArgumentException("keys and values differ in length");
        long poolSize = 0;
        int maxLen = 0;
        for (byte[] k : keys) {
            poolSize += k.length;
            maxLen = Math.max(maxLen, k.length);
        }
        if (poolSize > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("vocabulary text exceeds 2 GiB");
        int capacity = Integer.highestOneBit(Math.max(16, keys.length * 2 - 1)) << 1;
        this.pool = new byte[(int) poolSize];
        this.entries = new int[3 * keys.length];
        this.slots = new long[capacity];
        this.mask = capacity - 1;
        this.maxKeyLength = maxLen;
        int at = 0;
        for (int e = 0; e < keys.length; e++) {
            byte[] k = keys[e];
            System.arraycopy(k, 0, pool, at, k.length);
            entries[3 * e] = at;
            entries[3 * e + 1] = at + k.length;
            entries[3 * e + 2] = keyValues[e];
            at += k.length;
            insert(e);
        }
    }

    private void insert(int entry) {
        int start = entries[3 * entry];
        int end = entries[3 * entry + 1];
        int h = hash(pool, start, end);
        for (int slot = h & mask; ; slot = (slot + 1) & mask) {
            long s = slots[slot];
            if (s == EMPTY) {
                slots[slot] = ((long) h << 32) | (entry + 1L);
                return;
            }
            int existing = (int) s - 1;
            if ((int) (s >>> 32) == h && Arrays.equals(pool, entries[3 * existing], entries[3 * existing + 1], pool, start, end)) {
                return; // duplicate key: the first one stays
            }
        }
    }

    /** The value stored for bytes[from, to), or −1 when that byte string is not a key. */
    int find(byte[] bytes, int from, int to) {
        if (to - from > maxKeyLength) return -1;
        int h = hash(bytes, from, to);
        for (int slot = h & mask; ; slot = (slot + 1) & mask) {
            long s = slots[slot];
            if (s == EMPTY) return -1;
            if ((int) (s >>> 32) == h) {
                int e = 3 * ((int) s - 1);
                if (Arrays.equals(pool, entries[e], entries[e + 1], bytes, from, to)) return entries[e + 2];
            }
        }
    }

    /** Length in bytes of the longest key; longer ranges are never looked up. */
    int maxKeyLength() {
        return maxKeyLength;
    }

    /** FNV-1a over the bytes, then a final avalanche so that the low bits used for the slot index are well mixed. */
    private static int hash(byte[] b, int from, int to) {
        int h = 0x811C9DC5;
        for (int i = from; i < to; i++) h = (h ^ (b[i] & 0xFF)) * 0x01000193;
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        return h;
    }
}
