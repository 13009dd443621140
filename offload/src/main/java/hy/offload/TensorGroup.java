package hy.offload;

import java.util.regex.Pattern;

/**
 * The parts of a Hunyuan model that placement reports and decides on, each with its own speed-per-byte on a GPU:
 * everything but the routed experts is read for every token, the routed experts only 8 of 64 at a time.
 */
public enum TensorGroup {
    /** token_embd (one row read per token; with a tied output also the output projection). */
    TOKEN_EMBD("token_embd"),
    /** attn_q/k/v/output and the per-head q/k norms. */
    ATTENTION("attention"),
    /** attn_norm and ffn_norm. */
    NORMS("norms"),
    /** The expert router ffn_gate_inp. */
    ROUTER("router"),
    /** ffn_{gate,up,down}_shexp. */
    SHARED_EXPERTS("shared experts"),
    /** ffn_{gate,up,down}_exps: 96% of the model. */
    ROUTED_EXPERTS("routed experts"),
    /** output_norm and output (the tied projection when the file has no output.weight). */
    OUTPUT("output"),
    /** Any tensor a foreign file adds. */
    OTHER("other");

    private static final Pattern LAYER_NORM = Pattern.compile("\\.(attn_norm|ffn_norm)\\.");

    public final String label;

    TensorGroup(String label) {
        this.label = label;
    }

    /** The group of a tensor, told by its llama.cpp name. */
    public static TensorGroup of(String name) {
        if (name.equals("token_embd.weight")) return TOKEN_EMBD;
        if (name.startsWith("output")) return OUTPUT;
        if (name.contains("_exps")) return ROUTED_EXPERTS;
        if (name.contains("_shexp")) return SHARED_EXPERTS;
        if (name.contains(".ffn_gate_inp")) return ROUTER;
        if (LAYER_NORM.matcher(name).find()) return NORMS;
        if (name.contains(".attn_")) return ATTENTION;
        return OTHER;
    }
}
