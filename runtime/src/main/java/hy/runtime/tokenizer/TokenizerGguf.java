package hy.runtime.tokenizer;

import hy.runtime.gguf.GgufArray;
import hy.runtime.gguf.GgufFile;
import hy.runtime.gguf.GgufFormatException;
import hy.runtime.gguf.GgufValue;
import hy.runtime.gguf.GgufValueType;
import hy.runtime.gguf.GgufWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The tokenizer's GGUF keys, written and read exactly as llama.cpp's converter stores them for Hunyuan:
 * {@code tokenizer.ggml.model} "gpt2", {@code .pre} "hunyuan", {@code .tokens} (GPT-2 byte-mapped strings; special
 * tokens literally), {@code .token_type} (1 normal, 3 control), {@code .merges} ("left right", reconstructed from the
 * ranks by {@link MergeTable}), the bos/eos/seperator/padding ids, and {@code tokenizer.chat_template}.
 *
 * <p>Reading gives the same ids as the tiktoken file: in such a file the merge list follows the tiktoken ranks, so
 * the token ids are the ranks and are used as such (this also covers the three tokens no merge produces, which tiktoken
 * still emits when a whole piece equals one of them). A file whose merges are not in id order is merged by merge-list
 * position instead, which is what llama.cpp's merge ranks mean.
 */
public final class TokenizerGguf {
    private TokenizerGguf() {}

    public static final String MODEL = "tokenizer.ggml.model";
    public static final String PRE = "tokenizer.ggml.pre";
    public static final String TOKENS = "tokenizer.ggml.tokens";
    public static final String TOKEN_TYPE = "tokenizer.ggml.token_type";
    public static final String MERGES = "tokenizer.ggml.merges";
    public static final String BOS_ID = "tokenizer.ggml.bos_token_id";
    public static final String EOS_ID = "tokenizer.ggml.eos_token_id";
    public static final String EOT_ID = "tokenizer.ggml.eot_token_id";
    /** Misspelled in llama.cpp and gguf-py; the misspelling is the key. */
    public static final String SEPARATOR_ID = "tokenizer.ggml.seperator_token_id";
    public static final String PADDING_ID = "tokenizer.ggml.padding_token_id";
    public static final String ADD_BOS = "tokenizer.ggml.add_bos_token";
    public static final String CHAT_TEMPLATE = "tokenizer.chat_template";

    public static final String MODEL_GPT2 = "gpt2";
    public static final String PRE_HUNYUAN = "hunyuan";

    /**
     * Writes the tokenizer keys. {@code add_bos_token} is written only when true (the converter leaves it out for
     * Hunyuan, which readers take as false); {@code chatTemplate} may be null.
     */
    public static void write(GgufWriter out, Vocabulary vocab, SpecialTokens specials, String chatTemplate) {
        int n = vocab.size();
        String[] tokens = new String[n];
        int[] types = new int[n];
        for (int id = 0; id < n; id++) {
            TokenType type = vocab.type(id);
            byte[] bytes = vocab.bytes(id);
            tokens[id] = type.isMergeable() ? Gpt2ByteMapping.encode(bytes) : new String(bytes, StandardCharsets.UTF_8);
            types[id] = type.code;
        }
        out.put(MODEL, GgufValue.string(MODEL_GPT2));
        out.put(PRE, GgufValue.string(PRE_HUNYUAN));
        out.put(TOKENS, GgufValue.strings(tokens));
        out.put(TOKEN_TYPE, GgufValue.int32s(types));
        out.put(MERGES, GgufValue.strings(MergeTable.ggufStrings(vocab)));
        putId(out, BOS_ID, specials.bos());
        putId(out, EOS_ID, specials.eos());
        putId(out, SEPARATOR_ID, specials.separator());
        putId(out, PADDING_ID, specials.padding());
        if (specials.addBos()) out.put(ADD_BOS, GgufValue.bool(true));
        if (chatTemplate != null) out.put(CHAT_TEMPLATE, GgufValue.string(chatTemplate));
    }

    private static void putId(GgufWriter out, String key, int id) {
        if (id >= 0) out.put(key, GgufValue.u32(id));
    }

    /** The tokenizer stored in {@code file}; fails with one message naming the key when something is missing or wrong. */
    public static Tokenizer read(GgufFile file) {
        String label = file.label();
        if (!file.has(MODEL)) throw new GgufFormatException(label + ": no tokenizer in this file (metadata key '" + MODEL + "' is missing)");
        String model = file.getString(MODEL);
        if (!MODEL_GPT2.equals(model)) {
            throw new GgufFormatException(label + ": tokenizer model '" + model + "' is not supported (hy implements byte-level BPE, 'gpt2')");
        }
        String pre = file.getString(PRE, "default");
        if (!PRE_HUNYUAN.equals(pre)) {
            throw new GgufFormatException(label + ": pre-tokenizer '" + pre + "' is not supported (hy implements Hunyuan's, '" + PRE_HUNYUAN + "')");
        }
        String[] texts = stringArray(file, TOKENS);
        int n = texts.length;
        int[] typeCodes = file.has(TOKEN_TYPE) ? intArray(file, TOKEN_TYPE) : null;
        if (typeCodes != null && typeCodes.length != n) {
            throw new GgufFormatException(label + ": '" + TOKEN_TYPE + "' has " + typeCodes.length + " entries for " + n + " tokens");
        }
        byte[][] bytes = new byte[n][];
        TokenType[] types = new TokenType[n];
        for (int id = 0; id < n; id++) {
            types[id] = typeCodes == null ? TokenType.NORMAL : TokenType.ofCode(typeCodes[id]);
            if (types[id].isMergeable()) {
                bytes[id] = Gpt2ByteMapping.decode(texts[id]);
                if (bytes[id] == null) {
                    throw new GgufFormatException(label + ": token " + id + " ('" + texts[id] + "') is not a GPT-2 byte-mapped string");
                }
            } else {
                bytes[id] = texts[id].getBytes(StandardCharsets.UTF_8);
            }
        }
        int[] placeholder = new int[n];
        Vocabulary unranked = new Vocabulary(bytes, types, placeholder);
        Vocabulary vocab = unranked.withMergeRanks(ranksFromMerges(unranked, stringArray(file, MERGES), label));
        SpecialTokens specials = SpecialTokens.of(vocab, id(file, BOS_ID, n), id(file, EOS_ID, n), id(file, EOT_ID, n),
                id(file, PADDING_ID, n), id(file, SEPARATOR_ID, n), file.getBoolean(ADD_BOS, false));
        return new Tokenizer(vocab, specials);
    }

    /** The chat template stored in the file, or null. */
    public static String chatTemplate(GgufFile file) {
        return file.getString(CHAT_TEMPLATE, null);
    }

    /**
     * Merge ranks from the merge list: token ids when the merges produce tokens in increasing id order (any file from
     * llama.cpp's tiktoken conversion), otherwise the position in the list.
     */
    static int[] ranksFromMerges(Vocabulary vocab, String[] merges, String label) {
        int n = vocab.size();
        int[] byPosition = new int[n];
        Arrays.fill(byPosition, Vocabulary.NO_RANK);
        boolean idOrder = true;
        int previous = -1;
        for (int k = 0; k < merges.length; k++) {
            String m = merges[k];
            int space = m.indexOf(' ');
            byte[] left = space > 0 ? Gpt2ByteMapping.decode(m.substring(0, space)) : null;
            byte[] right = space > 0 ? Gpt2ByteMapping.decode(m.substring(space + 1)) : null;
            if (left == null || right == null || right.length == 0) {
                throw new GgufFormatException(label + ": merge " + k + " ('" + m + "') is not two GPT-2 byte-mapped strings separated by a space");
            }
            byte[] joined = new byte[left.length + right.length];
            System.arraycopy(left, 0, joined, 0, left.length);
            System.arraycopy(right, 0, joined, left.length, right.length);
            int id = vocab.idOf(joined);
            if (id < 0) throw new GgufFormatException(label + ": merge " + k + " ('" + m + "') does not produce a token of the vocabulary");
            if (byPosition[id] == Vocabulary.NO_RANK) byPosition[id] = k;
            idOrder &= id > previous;
            previous = id;
        }
        if (!idOrder) return byPosition;
        int[] byId = new int[n];
        for (int id = 0; id < n; id++) byId[id] = id;
        return byId;
    }

    private static int id(GgufFile file, String key, int vocabSize) {
        if (!file.has(key)) return -1;
        long id = file.getLong(key);
        if (id < 0 || id >= vocabSize) {
            throw new GgufFormatException(file.label() + ": '" + key + "' = " + id + " is not a token id (vocabulary has " + vocabSize + " tokens)");
        }
        return (int) id;
    }

    private static String[] stringArray(GgufFile file, String key) {
        GgufArray a = file.getArray(key);
        if (a.elementType() != GgufValueType.STRING) {
            throw new GgufFormatException(file.label() + ": '" + key + "' must be an array of strings, is an array of " + a.elementType());
        }
        return a.strings();
    }

    private static int[] intArray(GgufFile file, String key) {
        GgufArray a = file.getArray(key);
        try {
            return a.ints();
        } catch (IllegalStateException | ArithmeticException e) {
            throw new GgufFormatException(file.label() + ": '" + key + "' must be an array of integers, is an array of " + a.elementType());
        }
    }
}
