package hy.runtime.tokenizer;

import java.nio.charset.StandardCharsets;

/**
 * Turns ids arriving one at a time into text pieces, never emitting half a character: a token that ends inside a
 * multi-byte UTF-8 sequence (CJK characters and emoji are often split across tokens) is held back until the
 * sequence completes. Bytes that can never become valid UTF-8 are emitted at once as U+FFFD, so the output never
 * waits on garbage. Concatenating every {@link #accept} result and {@link #flush()} gives exactly
 * {@code new String(allBytes, UTF_8)}.
 *
 * <p>Not thread-safe: one decoder per generation stream.
 */
public final class StreamingDecoder {
    private final Vocabulary vocab;
    private final boolean renderSpecial;
    private byte[] pending = new byte[16];
    private int pendingLength;

    StreamingDecoder(Vocabulary vocab, boolean renderSpecial) {
        this.vocab = vocab;
        this.renderSpecial = renderSpecial;
    }

    /** Adds one token; returns the text that is now complete (possibly empty). */
    public String accept(int id) {
        if (!renderSpecial && vocab.isSpecial(id)) return "";
        byte[] b = vocab.bytes(id);
        pending = Utf8.grow(pending, pendingLength + b.length);
        System.arraycopy(b, 0, pending, pendingLength, b.length);
        pendingLength += b.length;
        int ready = pendingLength - Utf8.incompleteTail(pending, pendingLength);
        if (ready == 0) return "";
        String text = new String(pending, 0, ready, StandardCharsets.UTF_8);
        System.arraycopy(pending, ready, pending, 0, pendingLength - ready);
        pendingLength -= ready;
        return text;
    }

    /** Ends the stream: whatever is held back (an unfinished character) comes out as U+FFFD. */
    public String flush() {
        String text = new String(pending, 0, pendingLength, StandardCharsets.UTF_8);
        pendingLength = 0;
        return text;
    }

    /** True when bytes are held back waiting for the rest of a character. */
    public boolean hasPending() {
        return pendingLength > 0;
    }
}
