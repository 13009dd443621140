package hy.runtime.gguf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Damages valid GGUF bytes the ways real files get damaged and hostile files are built: flipped bits and bytes,
 * truncation, length and count fields inflated to values the file cannot hold, type ids replaced, and chunks
 * copied, inserted or deleted (possibly from another file).
 */
final class GgufMutator {
    /** Values that stress u64 length and count fields: off by one, sign bit, int overflow, all ones. */
    private static final long[] HUGE = {
        1L << 31, (1L << 31) - 1, (1L << 31) - 8, 1L << 32, 1L << 40, 1L << 62, Long.MAX_VALUE, Long.MIN_VALUE, -1L, -8L
    };
    /** u32 values that stress type ids, n_dims and the version. */
    private static final int[] U32S = {0, 1, 2, 3, 4, 5, 8, 9, 12, 13, 15, 30, 31, 39, 40, 133, 157, 158, 255, -1, 1 << 31};

    private final Random r;
    private final List<byte[]> donors;

    GgufMutator(long seed, List<byte[]> donors) {
        this.r = new Random(seed);
        this.donors = donors;
    }

    /** {@code in} with one to three random mutations applied. */
    byte[] mutate(byte[] in) {
        byte[] b = in;
        int n = 1 + r.nextInt(3);
        for (int i = 0; i < n; i++) b = mutateOnce(b);
        return b;
    }

    private byte[] mutateOnce(byte[] b) {
        if (b.length == 0) return donors.get(r.nextInt(donors.size())).clone();
        return switch (r.nextInt(9)) {
            case 0 -> flipBit(b);
            case 1 -> setByte(b);
            case 2 -> truncate(b);
            case 3 -> inflateLength(b);
            case 4 -> setU32(b);
            case 5 -> overwriteChunk(b, b);
            case 6 -> overwriteChunk(b, donors.get(r.nextInt(donors.size())));
            case 7 -> insertChunk(b);
            default -> deleteChunk(b);
        };
    }

    private byte[] flipBit(byte[] b) {
        byte[] o = b.clone();
        int p = r.nextInt(o.length);
        o[p] ^= (byte) (1 << r.nextInt(8));
        return o;
    }

    private byte[] setByte(byte[] b) {
        byte[] o = b.clone();
        int[] interesting = {0, 1, 0x7f, 0x80, 0xff};
        o[r.nextInt(o.length)] = (byte) (r.nextBoolean() ? interesting[r.nextInt(interesting.length)] : r.nextInt(256));
        return o;
    }

    private byte[] truncate(byte[] b) {
        return Arrays.copyOf(b, r.nextInt(b.length));
    }

    /** Replaces one small u64 (most likely a length or count) with a bigger or absurd one. */
    private byte[] inflateLength(byte[] b) {
        List<Integer> fields = smallU64Positions(b);
        if (fields.isEmpty()) return setByte(b);
        int p = fields.get(r.nextInt(fields.size()));
        long v = readU64(b, p);
        long[] candidates = {v + 1, v + 8, v * 2 + 1, v - 1, b.length - p, b.length, HUGE[r.nextInt(HUGE.length)]};
        return withU64(b, p, candidates[r.nextInt(candidates.length)]);
    }

    private byte[] setU32(byte[] b) {
        if (b.length < 4) return flipBit(b);
        byte[] o = b.clone();
        int p = r.nextInt(o.length - 3);
        int v = U32S[r.nextInt(U32S.length)];
        for (int i = 0; i < 4; i++) o[p + i] = (byte) (v >>> (8 * i));
        return o;
    }

    private byte[] overwriteChunk(byte[] b, byte[] from) {
        if (from.length == 0) return b;
        byte[] o = b.clone();
        int len = 1 + r.nextInt(Math.min(64, Math.min(from.length, o.length)));
        System.arraycopy(from, r.nextInt(from.length - len + 1), o, r.nextInt(o.length - len + 1), len);
        return o;
    }

    private byte[] insertChunk(byte[] b) {
        byte[] from = r.nextBoolean() ? b : donors.get(r.nextInt(donors.size()));
        int len = 1 + r.nextInt(Math.min(64, from.length));
        int src = r.nextInt(from.length - len + 1);
        int at = r.nextInt(b.length + 1);
        byte[] o = new byte[b.length + len];
        System.arraycopy(b, 0, o, 0, at);
        System.arraycopy(from, src, o, at, len);
        System.arraycopy(b, at, o, at + len, b.length - at);
        return o;
    }

    private byte[] deleteChunk(byte[] b) {
        int at = r.nextInt(b.length);
        int len = 1 + r.nextInt(Math.min(64, b.length - at));
        byte[] o = new byte[b.length - len];
        System.arraycopy(b, 0, o, 0, at);
        System.arraycopy(b, at + len, o, at, b.length - at - len);
        return o;
    }

    /** Positions of 8-byte little-endian values below 2^20 (string lengths, counts, dims, offsets) in the header. */
    static List<Integer> smallU64Positions(byte[] b) {
        List<Integer> out = new ArrayList<>();
        for (int p = 0; p + 8 <= b.length; p++) {
            long v = readU64(b, p);
            if (v > 0 && v < (1 << 20)) out.add(p);
        }
        return out;
    }

    static long readU64(byte[] b, int p) {
        long v = 0;
        for (int i = 7; i >= 0; i--) v = (v << 8) | (b[p + i] & 0xff);
        return v;
    }

    static byte[] withU64(byte[] b, int p, long v) {
        byte[] o = b.clone();
        for (int i = 0; i < 8; i++) o[p + i] = (byte) (v >>> (8 * i));
        return o;
    }

    /** The deterministic inflations of every small u64 in the first {@code limit} bytes (the header). */
    static List<byte[]> everyLengthInflated(byte[] b, int limit) {
        List<byte[]> out = new ArrayList<>();
        for (int p : smallU64Positions(Arrays.copyOf(b, Math.min(limit, b.length)))) {
            long v = readU64(b, p);
            for (long n : new long[] {v + 1, v * 2 + 1, b.length, 1L << 31, 1L << 32, 1L << 62, -1L}) out.add(withU64(b, p, n));
        }
        return out;
    }
}
