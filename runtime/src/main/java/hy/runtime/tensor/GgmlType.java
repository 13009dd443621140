package hy.runtime.tensor;

import java.util.HashMap;
import java.util.Map;

/**
 * Every tensor type a GGUF file can name, with ggml's numeric id, the number of weights per block and the bytes per
 * block. Ids 4, 5, 31–33 and 36–38 were retired by ggml and are rejected; ids ≥ 133 are ik_llama.cpp's additions.
 * {@code rowMetaBytes} is the per-row prefix some ik types store (a row scale) before their blocks.
 */
public enum GgmlType {
    F32(0, 1, 4),
    F16(1, 1, 2),
    Q4_0(2, 32, 18),
    Q4_1(3, 32, 20),
    Q5_0(6, 32, 22),
    Q5_1(7, 32, 24),
    Q8_0(8, 32, 34),
    Q8_1(9, 32, 36),
    Q2_K(10, 256, 84),
    Q3_K(11, 256, 110),
    Q4_K(12, 256, 144),
    Q5_K(13, 256, 176),
    Q6_K(14, 256, 210),
    Q8_K(15, 256, 292),
    IQ2_XXS(16, 256, 66),
    IQ2_XS(17, 256, 74),
    IQ3_XXS(18, 256, 98),
    IQ1_S(19, 256, 50),
    IQ4_NL(20, 32, 18),
    IQ3_S(21, 256, 110),
    IQ2_S(22, 256, 82),
    IQ4_XS(23, 256, 136),
    I8(24, 1, 1),
    I16(25, 1, 2),
    I32(26, 1, 4),
    I64(27, 1, 8),
    F64(28, 1, 8),
    IQ1_M(29, 256, 56),
    BF16(30, 1, 2),
    TQ1_0(34, 256, 54),
    TQ2_0(35, 256, 66),
    MXFP4(39, 32, 17),
    // ik_llama.cpp types (not readable by mainline llama.cpp).
    Q6_0(133, 32, 26),
    IQ2_K(137, 256, 76),
    IQ3_K(138, 256, 110),
    IQ4_K(139, 256, 144),
    IQ5_K(140, 256, 176),
    IQ6_K(141, 256, 212),
    IQ4_KS(144, 256, 136, 4),
    IQ2_KS(145, 256, 70, 2),
    IQ4_KSS(146, 256, 128, 4),
    IQ5_KS(152, 256, 168, 4),
    IQ3_KS(156, 256, 102, 2),
    IQ2_KL(157, 256, 86, 2);

    private static final Map<Integer, GgmlType> BY_ID = new HashMap<>();
    private static final Map<String, GgmlType> BY_NAME = new HashMap<>();

    static {
        for (GgmlType t : values()) {
            BY_ID.put(t.id, t);
            BY_NAME.put(t.name().toLowerCase(java.util.Locale.ROOT), t);
        }
    }

    public final int id;
    public final int blockSize;
    public final int blockBytes;
    public final int rowMetaBytes;

    GgmlType(int id, int blockSize, int blockBytes) {
        this(id, blockSize, blockBytes, 0);
    }

    GgmlType(int id, int blockSize, int blockBytes, int rowMetaBytes) {
        this.id = id;
        this.blockSize = blockSize;
        this.blockBytes = blockBytes;
        this.rowMetaBytes = rowMetaBytes;
    }

    /** The type with this ggml id, or null when the id is unknown or retired. */
    public static GgmlType byId(int id) {
        return BY_ID.get(id);
    }

    /** Case-insensitive lookup by ggml name ("q4_0", "Q8_0", "bf16"); null when unknown. */
    public static GgmlType byName(String name) {
        return BY_NAME.get(name.toLowerCase(java.util.Locale.ROOT));
    }

    public boolean isQuantized() {
        return blockSize > 1;
    }

    /** Bytes of one row of {@code n} weights; {@code n} must be a multiple of the block size. */
    public long rowBytes(long n) {
        if (n % blockSize != 0) {
            throw new IllegalArgumentException(name() + " rows must be a multiple of " + blockSize + " weights, got " + n);
        }
        return rowMetaBytes + (n / blockSize) * blockBytes;
    }

    @Override
    public String toString() {
        return name();
    }
}
