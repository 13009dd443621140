package hy.runtime.model;

/** llama.cpp's GGUF tensor names for hunyuan-moe (the only names this runtime reads or writes). */
public final class TensorNames {
    private TensorNames() {}

    public static final String TOKEN_EMBD = "token_embd.weight";
    public static final String OUTPUT_NORM = "output_norm.weight";
    /** Absent in Hunyuan files (tied to token_embd); read when a converter wrote it anyway. */
    public static final String OUTPUT = "output.weight";

    public static String attnNorm(int l) { return blk(l, "attn_norm"); }
    public static String attnQ(int l) { return blk(l, "attn_q"); }
    public static String attnK(int l) { return blk(l, "attn_k"); }
    public static String attnV(int l) { return blk(l, "attn_v"); }
    public static String attnOutput(int l) { return blk(l, "attn_output"); }
    public static String attnQNorm(int l) { return blk(l, "attn_q_norm"); }
    public static String attnKNorm(int l) { return blk(l, "attn_k_norm"); }
    public static String ffnNorm(int l) { return blk(l, "ffn_norm"); }
    /** The router, {hidden, experts}, kept F32 by converters. */
    public static String ffnGateInp(int l) { return blk(l, "ffn_gate_inp"); }
    public static String ffnGateExps(int l) { return blk(l, "ffn_gate_exps"); }
    public static String ffnUpExps(int l) { return blk(l, "ffn_up_exps"); }
    public static String ffnDownExps(int l) { return blk(l, "ffn_down_exps"); }
    public static String ffnGateShexp(int l) { return blk(l, "ffn_gate_shexp"); }
    public static String ffnUpShexp(int l) { return blk(l, "ffn_up_shexp"); }
    public static String ffnDownShexp(int l) { return blk(l, "ffn_down_shexp"); }

    private static String blk(int l, String what) {
        return "blk." + l + "." + what + ".weight";
    }
}
