package hy.runtime.tensor;

/** A tensor uses a ggml type that this runtime reads but does not compute with. */
public final class UnsupportedTypeException extends RuntimeException {
    public UnsupportedTypeException(GgmlType type, String tensorName, String what) {
        super("unsupported type " + type + " in tensor " + tensorName + " (" + what + "); requantize it with `hy quantize`"
                + " to a supported type such as Q8_0, Q4_K or Q4_0");
    }
}
