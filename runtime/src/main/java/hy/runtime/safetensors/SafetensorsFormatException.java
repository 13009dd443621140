package hy.runtime.safetensors;

/** A safetensors file or index that is malformed, truncated or hostile; the message names the file and the problem. */
public final class SafetensorsFormatException extends RuntimeException {
    public SafetensorsFormatException(String message) {
        super(message);
    }
}
