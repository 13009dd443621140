package hy.runtime.gguf;

/** A GGUF file that is malformed, truncated or hostile; the message names the field and its byte offset. */
public final class GgufFormatException extends RuntimeException {
    public GgufFormatException(String message) {
        super(message);
    }
}
