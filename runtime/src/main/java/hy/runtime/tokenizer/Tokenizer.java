package hy.runtime.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;

/**
 * Hunyuan's tokenizer: tiktoken-style byte-level BPE. Encoding normalises the text to NFC, cuts out special-token
 * texts (when allowed), splits the rest with the {@link PreTokenizer} pattern and merges each piece's UTF-8 bytes by
 * rank. Decoding concatenates token bytes; {@link StreamingDecoder} does it incrementally without ever splitting a
 * character.
 *
 * <p>Immutable and safe to share between threads; each call uses its own scratch buffers.
 */
public final class Tokenizer {
    private final Vocabulary vocab;
    private final SpecialTokens specials;
    private final SpecialTokenMatcher matcher;

    public Tokenizer(Vocabulary vocab, SpecialTokens specials) {
        this.vocab = vocab;
        this.specials = specials;
        this.matcher = new SpecialTokenMatcher(vocab.specialTokens());
    }

    public Vocabulary vocabulary() {
        return vocab;
    }

    public SpecialTokens specials() {
        return specials;
    }

    /**
     * Token ids of {@code text}. With {@code allowSpecial}, special-token texts such as {@code <|eos|>} become their
     * ids (tiktoken's allowed_special="all", llama.cpp's parse_special); without, they are encoded as plain text.
     */
    public int[] encode(String text, boolean allowSpecial) {
        return encode(text, allowSpecial, false);
    }

    /** As {@link #encode(String, boolean)}, with the BOS id first when {@code addBos} and the vocabulary has one. */
    public int[] encode(String text, boolean allowSpecial, boolean addBos) {
        String s = nfc(text);
        Session session = new Session(s.length());
        if (addBos && specials.bos() >= 0) session.out.add(specials.bos());
        int pos = 0;
        if (allowSpecial && !matcher.isEmpty()) {
            for (SpecialTokenMatcher.Match m = matcher.find(s, pos); m != null; m = matcher.find(s, pos)) {
                session.encodeOrdinary(s, pos, m.start());
                session.out.add(m.id());
                pos = m.end();
            }
        }
        session.encodeOrdinary(s, pos, s.length());
        return session.out.toArray();
    }

    /** The bytes the ids stand for, special tokens included as their text. */
    public byte[] decodeBytes(int[] ids) {
        return decodeBytes(ids, true);
    }

    /** The bytes the ids stand for; special tokens are left out unless {@code renderSpecial}. */
    public byte[] decodeBytes(int[] ids, boolean renderSpecial) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(ids.length * 4);
        for (int id : ids) {
            if (!renderSpecial && vocab.isSpecial(id)) continue;
            byte[] b = vocab.bytes(id);
            out.write(b, 0, b.length);
        }
        return out.toByteArray();
    }

    /** The text the ids stand for (special tokens included); invalid UTF-8 becomes U+FFFD. */
    public String decode(int[] ids) {
        return new String(decodeBytes(ids, true), StandardCharsets.UTF_8);
    }

    public String decode(int[] ids, boolean renderSpecial) {
        return new String(decodeBytes(ids, renderSpecial), StandardCharsets.UTF_8);
    }

    /** A decoder for ids that arrive one at a time. */
    public StreamingDecoder streamingDecoder(boolean renderSpecial) {
        return new StreamingDecoder(vocab, renderSpecial);
    }

    /** NFC, as the official tokenizer applies before encoding; text below U+0300 is already NFC and skips the work. */
    static String nfc(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x300) return Normalizer.normalize(text, Normalizer.Form.NFC);
        }
        return text;
    }

    /** Scratch state for one encode call. */
    private final class Session {
        final TokenIdList out;
        final BytePairMerger merger = new BytePairMerger(vocab);
        byte[] utf8 = new byte[256];
        final int[] utf8Length = new int[1];

        Session(int textLength) {
            out = new TokenIdList(textLength / 3 + 16);
        }

        void encodeOrdinary(String s, int from, int to) {
            for (int i = from; i < to; ) {
                int end = PreTokenizer.pieceEnd(s, i, to);
                utf8 = Utf8.encode(s, i, end, utf8, utf8Length);
                merger.encode(utf8, 0, utf8Length[0], out);
                i = end;
            }
        }
    }
}
