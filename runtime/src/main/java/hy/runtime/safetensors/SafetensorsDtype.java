package hy.runtime.safetensors;

import java.util.Locale;

/**
 * The element types a safetensors header can name, with their sizes. Every type is known so that headers can be
 * validated (sizes and offsets); only F32, F16 and BF16 can be read as floats, which is all Hunyuan checkpoints use.
 */
public enum SafetensorsDtype {
    BOOL(1), U8(1), I8(1), F8_E4M3(1), F8_E5M2(1),
    I16(2), U16(2), F16(2), BF16(2),
    I32(4), U32(4), F32(4),
    I64(8), U64(8), F64(8);

    public final int bytes;

    SafetensorsDtype(int bytes) {
        this.bytes = bytes;
    }

    /** The dtype named in a header ("BF16", "F32", ...), or null when the name is unknown. */
    public static SafetensorsDtype byName(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Whether {@link SafetensorsTensor#readFloats} can decode this type. */
    public boolean isFloatReadable() {
        return this == F32 || this == F16 || this == BF16;
    }
}
