package hy.runtime.tokenizer;

import java.util.Arrays;

/**
 * An immutable map from byte strings to int values, looked up by a range of a caller's byte array.
 *
 * <p>Byte-pair encoding asks "is bytes[from, to) a token, and which?" several times per input byte. A
 * {@code HashMap<String, Integer>} would allocate a key per question; this table hashes the range in place and compares
 * it against one shared pool of key bytes (open addressing, linear probing, the full 32-bit hash stored beside each
 * slot so that most misses never touch the pool).
 */
final class ByteSequenceTable {
    private static final int EMPTY = -1;

    private final byte[] pool;
    private final int[] keyStart;
    private final int[] keyEnd;
    private final int[] values;
    private final int[] slotEntry;
    private final int[] slotHash;
    private final int mask;
    private final int maxKeyLength;

    /**
     * Builds the table. Keys must be non-null; a key that occurs twice keeps its first value (the lowest id when
     * keys are given in id order).
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
        this.keyStart = new int[keys.length];
        this.keyEnd = new int[keys.length];
        this.values = keyValues.clone();
        this.slotEntry = new int[capacity];
        this.slotHash = new int[capacity];
        this.mask = capacity - 1;
        this.maxKeyLength = maxLen;
        Arrays.fill(slotEntry, EMPTY);
        int at = 0;
        for (int e = 0; e < keys.length; e++) {
            byte[] k = keys[e];
            System.arraycopy(k, 0, pool, at, k.length);
            keyStart[e] = at;
            keyEnd[e] = at + k.length;
            at += k.length;
            insert(e);
        }
    }

    private void insert(int entry) {
        int h = hash(pool, keyStart[entry], keyEnd[entry]);
        for (int slot = h & mask; ; slot = (slot + 1) & mask) {
            int existing = slotEntry[slot];
            if (existing == EMPTY) {
                slotEntry[slot] = entry;
                slotHash[slot] = h;
                return;
            }
            if (slotHash[slot] == h && Arrays.equals(pool, keyStart[existing], keyEnd[existing], pool, keyStart[entry], keyEnd[entry])) {
                return; // duplicate key: the first one stays
            }
        }
    }

    /** The value stored for bytes[from, to), or −1 when that byte string is not a key. */
    int find(byte[] bytes, int from, int to) {
        if (to - from > maxKeyLength) return -1;
        int h = hash(bytes, from, to);
        for (int slot = h & mask; ; slot = (slot + 1) & mask) {
            int entry = slotEntry[slot];
            if (entry == EMPTY) return -1;
            if (slotHash[slot] == h && Arrays.equals(pool, keyStart[entry], keyEnd[entry], bytes, from, to)) {
                return values[entry];
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
