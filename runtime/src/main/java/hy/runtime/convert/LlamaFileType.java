package hy.runtime.convert;

import hy.runtime.tensor.GgmlType;
import java.util.EnumMap;
import java.util.Map;

/**
 * llama.cpp's {@code llama_ftype} ids for {@code general.file_type}: a label for the dominant weight type (readers
 * take each tensor's real type from the tensor table). Uniform K-quant files get the "_S" ids, which is what their
 * recipe is closest to.
 */
public final class LlamaFileType {
    private LlamaFileType() {}

    private static final Map<GgmlType, Integer> IDS = new EnumMap<>(GgmlType.class);

    static {
        IDS.put(GgmlType.F32, 0);      // ALL_F32
        IDS.put(GgmlType.F16, 1);
        IDS.put(GgmlType.Q4_0, 2);
        IDS.put(GgmlType.Q4_1, 3);
        IDS.put(GgmlType.Q8_0, 7);
        IDS.put(GgmlType.Q5_0, 8);
        IDS.put(GgmlType.Q5_1, 9);
        IDS.put(GgmlType.Q2_K, 10);
        IDS.put(GgmlType.Q3_K, 11);    // Q3_K_S
        IDS.put(GgmlType.Q4_K, 14);    // Q4_K_S
        IDS.put(GgmlType.Q5_K, 16);    // Q5_K_S
        IDS.put(GgmlType.Q6_K, 18);
        IDS.put(GgmlType.IQ4_NL, 25);
        IDS.put(GgmlType.IQ4_XS, 30);
        IDS.put(GgmlType.BF16, 32);
        IDS.put(GgmlType.Q6_0, 135);
        IDS.put(GgmlType.IQ2_K, 138);
        IDS.put(GgmlType.IQ3_K, 139);
        IDS.put(GgmlType.IQ4_K, 140);
        IDS.put(GgmlType.IQ5_K, 141);
        IDS.put(GgmlType.IQ6_K, 142);
        IDS.put(GgmlType.IQ4_KS, 145);
        IDS.put(GgmlType.IQ2_KS, 147);
        IDS.put(GgmlType.IQ4_KSS, 148);
        IDS.put(GgmlType.IQ5_KS, 150);
        IDS.put(GgmlType.IQ3_KS, 154);
        IDS.put(GgmlType.IQ2_KL, 155);
    }

    /** The ftype id for a file whose weights are mostly {@code t}; F16's id when no ftype names {@code t}. */
    public static int of(GgmlType t) {
        return IDS.getOrDefault(t, 1);
    }

    /** The ftype of a tensor list: the type holding the most bytes among quantizable weights (ALL_F32 when none). */
    public static int dominant(Map<GgmlType, Long> weightBytesByType) {
        return weightBytesByType.entrySet().stream().max(Map.Entry.comparingByValue())
                .map(e -> of(e.getKey())).orElse(0);
    }
}
