package hy.runtime.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The token table of a byte-level BPE tokenizer: for every id its bytes, its {@link TokenType} and its merge rank.
 *
 * <p>The merge rank orders merges: while encoding, the adjacent pair whose concatenation has the lowest rank is merged
 * first (tiktoken's rule). For a vocabulary read from a tiktoken file the rank of a token is its id; tokens that are
 * never built by merging (special tokens, unused slots) have rank {@link #NO_RANK}.
 */
public final class Vocabulary {
    /** Rank of tokens that merging never produces. */
    public static final int NO_RANK = Integer.MAX_VALUE;

    private final byte[][] tokens;
    private final TokenType[] types;
    private final int[] ranks;
    private final ByteSequenceTable mergeable;
    private final int[] byteTokens = new int[256];
    private final Map<String, Integer> specials;

    /**
     * @param tokenBytes the bytes of each token, indexed by id (special tokens: their UTF-8 text); the inner arrays
     *                   are kept, not copied, and must not be changed afterwards
     * @param types      the type of each token
     * @param mergeRanks the merge rank of each token ({@link #NO_RANK} where merging must not produce it)
     */
    public Vocabulary(byte[][] tokenBytes, TokenType[] types, int[] mergeRanks) {
        int n = tokenBytes.length;
        if (types.length != n || mergeRanks.length != n) {
            throw new IllegalArgumentException("vocabulary arrays differ in length: " + n + " tokens, " + types.length
                    + " types, " + mergeRanks.length + " ranks");
        }
        this.tokens = tokenBytes.clone();
        this.types = types.clone();
        for (int id = 0; id < n; id++) {
            if (tokens[id] == null) throw new IllegalArgumentException("token " + id + " has no bytes");
            if (types[id] == null) throw new IllegalArgumentException("token " + id + " has no type");
        }
        this.ranks = normaliseRanks(mergeRanks);
        this.specials = specialsByText();
        this.mergeable = mergeableTable();
        fillByteTokens();
    }

    /** A copy of {@code base} with other merge ranks (the lookup tables are shared). */
    private Vocabulary(Vocabulary base, int[] mergeRanks) {
        this.tokens = base.tokens;
        this.types = base.types;
        this.ranks = normaliseRanks(mergeRanks);
        this.specials = base.specials;
        this.mergeable = base.mergeable;
        System.arraycopy(base.byteTokens, 0, byteTokens, 0, 256);
    }

    /** The same tokens with other merge ranks (used when ranks are derived from a merge list after loading). */
    public Vocabulary withMergeRanks(int[] mergeRanks) {
        if (mergeRanks.length != tokens.length) {
            throw new IllegalArgumentException(mergeRanks.length + " ranks for " + tokens.length + " tokens");
        }
        return new Vocabulary(this, mergeRanks);
    }

    private boolean isMergeable(int id) {
        return types[id].isMergeable() && tokens[id].length > 0;
    }

    private int[] normaliseRanks(int[] mergeRanks) {
        int[] r = mergeRanks.clone();
        for (int id = 0; id < r.length; id++) {
            if (!isMergeable(id)) r[id] = NO_RANK;
        }
        return r;
    }

    private Map<String, Integer> specialsByText() {
        Map<String, Integer> special = new LinkedHashMap<>();
        for (int id = 0; id < tokens.length; id++) {
            if (types[id].isSpecial()) special.putIfAbsent(new String(tokens[id], StandardCharsets.UTF_8), id);
        }
        return Collections.unmodifiableMap(special);
    }

    private ByteSequenceTable mergeableTable() {
        int count = 0;
        for (int id = 0; id < tokens.length; id++) if (isMergeable(id)) count++;
        byte[][] keys = new byte[count][];
        int[] ids = new int[count];
        for (int id = 0, k = 0; id < tokens.length; id++) {
            if (isMergeable(id)) {
                keys[k] = tokens[id];
                ids[k++] = id;
            }
        }
        return new ByteSequenceTable(keys, ids);
    }

    private void fillByteTokens() {
        byte[] one = new byte[1];
        for (int b = 0; b < 256; b++) {
            one[0] = (byte) b;
            byteTokens[b] = mergeable.find(one, 0, 1);
        }
    }

    /** Number of ids (the model's vocab_size). */
    public int size() {
        return tokens.length;
    }

    /** A copy of the bytes of token {@code id}. */
    public byte[] tokenBytes(int id) {
        return bytes(id).clone();
    }

    /** The token's bytes without copying; callers in this package never modify them. */
    byte[] bytes(int id) {
        checkId(id);
        return tokens[id];
    }

    /** The token's text: its bytes as UTF-8, with U+FFFD for bytes that are not complete UTF-8 on their own. */
    public String tokenText(int id) {
        return new String(bytes(id), StandardCharsets.UTF_8);
    }

    public TokenType type(int id) {
        checkId(id);
        return types[id];
    }

    /** The token's merge rank, {@link #NO_RANK} for tokens merging never produces. */
    public int mergeRank(int id) {
        checkId(id);
        return ranks[id];
    }

    /** The id of the mergeable (non-special) token with exactly these bytes, or −1. */
    public int idOf(byte[] bytes) {
        return mergeable.find(bytes, 0, bytes.length);
    }

    /** The id of the mergeable token equal to bytes[from, to), or −1 (no copy). */
    int idOf(byte[] bytes, int from, int to) {
        return mergeable.find(bytes, from, to);
    }

    /** Rank of the mergeable token equal to bytes[from, to), or {@link #NO_RANK}. */
    int rankOf(byte[] bytes, int from, int to) {
        int id = mergeable.find(bytes, from, to);
        return id < 0 ? NO_RANK : ranks[id];
    }

    /** The id of the token for the single byte {@code b} (0..255), or −1 when the vocabulary lacks it. */
    int byteToken(int b) {
        return byteTokens[b];
    }

    /** Length of the longest mergeable token in bytes. */
    int maxTokenLength() {
        return mergeable.maxKeyLength();
    }

    /** Special (control and user-defined) tokens by their text, in id order. */
    public Map<String, Integer> specialTokens() {
        return specials;
    }

    /** The id of the special token with this text, or −1. */
    public int specialId(String text) {
        Integer id = specials.get(text);
        return id == null ? -1 : id;
    }

    public boolean isSpecial(int id) {
        return type(id).isSpecial();
    }

    /** True when {@code id} names a token of this vocabulary. */
    public boolean contains(int id) {
        return id >= 0 && id < tokens.length;
    }

    private void checkId(int id) {
        if (!contains(id)) {
            throw new IllegalArgumentException("token id " + id + " is out of range (vocabulary has ids 0.." + (tokens.length - 1) + ")");
        }
    }
}
