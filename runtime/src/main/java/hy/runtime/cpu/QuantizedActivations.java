package hy.runtime.cpu;

import hy.runtime.tensor.GgmlType;
import java.util.Arrays;

/**
 * The input vectors of matrix products (one per token), kept as floats and quantized once to the 8-bit forms the
 * integer kernels read, so that one quantization serves every weight matrix multiplied with the same input (e.g. the
 * gate and up projections of all selected experts). Reusable: {@link #set} replaces the values without allocating.
 *
 * <p>Quantization is symmetric round-to-nearest as in ggml: per block of 32 (for the legacy and IQ4_NL types) or 256
 * (K-quants, IQ4_XS), d = max|x| / 127 and q = round(x / d). Sums of q per block (and per 16 for the 256 form) are
 * kept for the weight types with offsets or minimums. Values are stored widened to 16 bits because the kernels
 * multiply in 16-bit lanes.
 *
 * <p>Large batches skip quantization: {@link WeightMatrix#prepare} then lays the float values out as the panel the
 * float product reads ({@link FloatGemm#panel}), in natural order or in the order packed weights decode in.
 *
 * <p>Not thread-safe while being set or prepared; once prepared (on one thread, before the fork), any number of threads
 * may read it in kernels. Repacked weights ({@link PackedWeights}) read a 32-block form reordered to their layout,
 * which {@link WeightMatrix#prepare} makes.
 */
public final class QuantizedActivations {
    private final int length;
    private final int maxTokens;
    private int tokens;
    private final float[] values;

    // 32-blocks: values, scale, scale * sum of values (the term a weight offset or minimum multiplies).
    private short[] q32;
    private float[] d32;
    private float[] sum32;
    private boolean q32Ready;

    // 32-blocks with the values reordered for packed 4-bit weights (see PackedQ4).
    private short[] q32Packed;
    /** Scale times the sum of the first and of the second 16 values of each 32-block (packed Q6_K's offset). */
    private float[] sum16First;
    private float[] sum16Second;
    private boolean q32PackedReady;

    // Float panels for FloatGemm: values in natural order, and in PackedQ4's group order.
    private float[] panel;
    private float[] panelPacked;
    private boolean panelReady;
    private boolean panelPackedReady;

    // 256-blocks: values, scale, integer sums per 16 values.
    private short[] q256;
    private float[] d256;
    private int[] sum16;
    private boolean q256Ready;

    // The same quantized values as bytes, for the native kernels (NativeKernels): 32-blocks, and 256-blocks with
    // the sums per 16 as int16 (|Σ| ≤ 16·127).
    private byte[] q32Bytes;
    private short[] sum32Shorts;
    private byte[] q256Bytes;
    private short[] sum16Shorts;
    private float[] dsum32K;
    private boolean q32BytesReady;
    private boolean q256BytesReady;

    /** Room for up to {@code maxTokens} vectors of {@code length} values; {@code length} a multiple of 32. */
    public QuantizedActivations(int length, int maxTokens) {
        if (length <= 0 || length % 32 != 0) {
            throw new IllegalArgumentException("activation length must be a positive multiple of 32, got " + length);
        }
        if (maxTokens <= 0) throw new IllegalArgumentException("maxTokens must be positive, got " + maxTokens);
        this.length = length;
        this.maxTokens = maxTokens;
        this.values = new float[Math.multiplyExact(length, maxTokens)];
    }

    public int length() {
        return length;
    }

    public int tokens() {
        return tokens;
    }

    public int maxTokens() {
        return maxTokens;
    }

    /**
     * Takes {@code tokens} vectors: token t is {@code x[offset + t * stride ..][0, length)}. Previously prepared
     * quantized forms become stale; call {@link WeightMatrix#prepare} (or {@link #prepare}) for every kind of matrix
     * it will be multiplied with, before handing it to other threads.
     */
    public void set(float[] x, int offset, int stride, int tokens) {
        if (tokens < 1 || tokens > maxTokens) {
            throw new IllegalArgumentException("token count " + tokens + " outside 1.." + maxTokens);
        }
        for (int t = 0; t < tokens; t++) System.arraycopy(x, offset + t * stride, values, t * length, length);
        this.tokens = tokens;
        stale();
    }

    /** Every prepared form is out of date after new values. */
    private void stale() {
        q32Ready = false;
        q32PackedReady = false;
        q256Ready = false;
        q32BytesReady = false;
        q256BytesReady = false;
        panelReady = false;
        panelPackedReady = false;
    }

    /**
     * Takes {@code tokens} vectors gathered from anywhere in {@code x}: token t is {@code x[rowOffsets[t] ..][0,
     * length)} (a MoE expert's tokens). Otherwise as {@link #set}.
     */
    public void setRows(float[] x, int[] rowOffsets, int tokens) {
        if (tokens < 1 || tokens > maxTokens || tokens > rowOffsets.length) {
            throw new IllegalArgumentException("token count " + tokens + " outside 1.." + Math.min(maxTokens, rowOffsets.length));
        }
        for (int t = 0; t < tokens; t++) System.arraycopy(x, rowOffsets[t], values, t * length, length);
        this.tokens = tokens;
        stale();
    }

    /** Quantizes to the form weights of {@code type} need, unless already done since the last {@link #set}. */
    public void prepare(GgmlType type) {
        prepare(ActivationFormat.forWeights(type, "(any)"));
    }

    void prepare(ActivationFormat format) {
        if (tokens == 0) throw new IllegalStateException("no activations set");
        switch (format) {
            case FLOAT -> { }
            case Q8_0 -> {
                if (q32Ready) return;
                if (q32 == null) {
                    q32 = new short[values.length];
                    d32 = new float[values.length / 32];
                    sum32 = new float[values.length / 32];
                }
                quantize(32, q32, d32);
                for (int b = 0; b < tokens * length / 32; b++) {
                    int s = 0;
                    for (int i = b * 32; i < b * 32 + 32; i++) s += q32[i];
                    sum32[b] = d32[b] * s;
                }
                q32Ready = true;
            }
            case Q8_K -> {
                if (q256Ready) return;
                checkK(length);
                if (q256 == null) {
                    q256 = new short[values.length];
                    d256 = new float[values.length / 256];
                    sum16 = new int[values.length / 16];
                }
                quantize(256, q256, d256);
                for (int g = 0; g < tokens * length / 16; g++) {
                    int s = 0;
                    for (int i = g * 16; i < g * 16 + 16; i++) s += q256[i];
                    sum16[g] = s;
                }
                q256Ready = true;
            }
        }
    }

    private static void checkK(int length) {
        if (length % 256 != 0) {
            throw new IllegalArgumentException("K-quant and IQ4_XS weights need rows that are a multiple of 256 long, got "
                    + length);
        }
    }

    /**
     * What the native kernels read: int8 values, a scale per block, and sums: per 32 as d·Σq (float; for 256-blocks
     * with their d) and Σq (int16, |Σ| ≤ 32·127, 32-blocks only), per 16 as Σq (int16, 256-blocks only).
     */
    record NativeForm(byte[] q, float[] d, float[] sum32, short[] sum32Int, short[] sum16) {}

    /** Quantizes to {@code format} (8-bit) and makes its {@link NativeForm}, unless done since the last {@link #set}. */
    void prepareNative(ActivationFormat format) {
        if (tokens == 0) throw new IllegalStateException("no activations set");
        int n = tokens * length;
        switch (format) {
            case FLOAT -> throw new IllegalArgumentException("the native kernels read 8-bit activations");
            case Q8_0 -> {
                if (q32BytesReady) return;
                if (q32Bytes == null) {
                    q32Bytes = new byte[values.length];
                    sum32Shorts = new short[values.length / 32];
                }
                if (d32 == null) {
                    d32 = new float[values.length / 32];
                    sum32 = new float[values.length / 32];
                }
                NativeKernels.quantize(values, n, 32, q32Bytes, d32, sum32, sum32Shorts, null);
                q32BytesReady = true;
            }
            case Q8_K -> {
                if (q256BytesReady) return;
                checkK(length);
                if (q256Bytes == null) {
                    q256Bytes = new byte[values.length];
                    sum16Shorts = new short[values.length / 16];
                    dsum32K = new float[values.length / 32];
                }
                if (d256 == null) d256 = new float[values.length / 256];
                NativeKernels.quantize(values, n, 256, q256Bytes, d256, dsum32K, null, sum16Shorts);
                q256BytesReady = true;
            }
        }
    }

    /** The {@link NativeForm} for {@code format}, which must have been {@link #prepareNative prepared}. */
    NativeForm nativeForm(ActivationFormat format) {
        return switch (format) {
            case Q8_0 -> {
                if (!q32BytesReady) throw new IllegalStateException("activations not prepared for the native kernels");
                yield new NativeForm(q32Bytes, d32, sum32, sum32Shorts, null);
            }
            case Q8_K -> {
                if (!q256BytesReady) throw new IllegalStateException("activations not prepared for the native kernels");
                yield new NativeForm(q256Bytes, d256, dsum32K, null, sum16Shorts);
            }
            case FLOAT -> throw new IllegalArgumentException("the native kernels read 8-bit activations");
        };
    }

    /** The Q8_0 form with each group's values in the order {@link PackedQ4} stores its nibbles. */
    void preparePacked() {
        if (q32PackedReady) return;
        if (length % PackedQ4.GROUP != 0) {
            throw new IllegalArgumentException("packed weights need rows that are a multiple of " + PackedQ4.GROUP
                    + " long, got " + length);
        }
        prepare(ActivationFormat.Q8_0);
        if (q32Packed == null) {
            q32Packed = new short[values.length];
            sum16First = new float[values.length / 32];
            sum16Second = new float[values.length / 32];
        }
        for (int g = 0; g < tokens * length; g += PackedQ4.GROUP) {
            for (int p = 0; p < PackedQ4.GROUP; p++) q32Packed[g + p] = q32[g + PackedQ4.NATURAL[p]];
        }
        for (int b = 0; b < tokens * length / 32; b++) {
            int first = 0;
            int second = 0;
            for (int i = 0; i < 16; i++) {
                first += q32[32 * b + i];
                second += q32[32 * b + 16 + i];
            }
            sum16First[b] = d32[b] * first;
            sum16Second[b] = d32[b] * second;
        }
        q32PackedReady = true;
    }

    /**
     * Lays the values out for {@link FloatGemm} in {@code order} (null: natural; else {@link PackedQ4#NATURAL}, the
     * order packed weights decode in), unless already done since the last {@link #set}.
     */
    void preparePanel(int[] order) {
        if (tokens == 0) throw new IllegalStateException("no activations set");
        boolean packed = packedOrder(order);
        if (packed ? panelPackedReady : panelReady) return;
        int size = FloatGemm.panelLength(length, maxTokens);
        float[] p = packed ? panelPacked : panel;
        if (p == null) p = new float[size];
        FloatGemm.panel(values, length, tokens, order, p);
        if (packed) {
            panelPacked = p;
            panelPackedReady = true;
        } else {
            panel = p;
            panelReady = true;
        }
    }

    /** The panel in {@code order} if {@link #preparePanel prepared} since the last {@link #set}, else null. */
    float[] panel(int[] order) {
        return packedOrder(order) ? (panelPackedReady ? panelPacked : null) : (panelReady ? panel : null);
    }

    private static boolean packedOrder(int[] order) {
        if (order != null && order != PackedQ4.NATURAL) throw new IllegalArgumentException("unknown activation order");
        return order != null;
    }

    short[] q32Packed() {
        if (!q32PackedReady) {
            throw new IllegalStateException("activations not prepared for packed weights; call prepare(packedWeights)");
        }
        return q32Packed;
    }

    float[] sum16First() {
        return sum16First;
    }

    float[] sum16Second() {
        return sum16Second;
    }

    private void quantize(int block, short[] q, float[] d) {
        int n = tokens * length;
        for (int b = 0; b < n / block; b++) {
            int from = b * block;
            float amax = 0;
            for (int i = from; i < from + block; i++) amax = Math.max(amax, Math.abs(values[i]));
            float scale = amax / 127;
            float inverse = scale == 0 ? 0 : 1 / scale;
            for (int i = from; i < from + block; i++) {
                int v = (int) Math.floor(values[i] * inverse + 0.5f); // as the native quantizer rounds, bit for bit
                q[i] = (short) Math.max(-127, Math.min(127, v));
            }
            d[b] = scale;
        }
        if (n < q.length) Arrays.fill(q, n, q.length, (short) 0);
    }

    // Accessors for the kernels; arrays are indexed from token * length (values) or token * length / block (scales).

    float[] values() {
        return values;
    }

    short[] q32() {
        check(q32Ready, ActivationFormat.Q8_0);
        return q32;
    }

    float[] d32() {
        return d32;
    }

    float[] sum32() {
        return sum32;
    }

    short[] q256() {
        check(q256Ready, ActivationFormat.Q8_K);
        return q256;
    }

    float[] d256() {
        return d256;
    }

    int[] sum16() {
        return sum16;
    }

    void check(ActivationFormat format) {
        switch (format) {
            case FLOAT -> { if (tokens == 0) throw new IllegalStateException("no activations set"); }
            case Q8_0 -> check(q32Ready, format);
            case Q8_K -> check(q256Ready, format);
        }
    }

    private static void check(boolean ready, ActivationFormat format) {
        if (!ready) {
            throw new IllegalStateException("activations not quantized to " + format + "; call prepare(type) after set()");
        }
    }
}
