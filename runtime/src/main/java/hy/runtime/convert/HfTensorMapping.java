package hy.runtime.convert;

import hy.runtime.convert.ModelTensor.Role;
import hy.runtime.model.HunyuanConfig;
import hy.runtime.model.TensorNames;
import hy.runtime.safetensors.SafetensorsCheckpoint;
import hy.runtime.safetensors.SafetensorsTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Maps an official Hunyuan checkpoint's tensor names onto llama.cpp's GGUF tensors. A PyTorch {@code [out, in]}
 * weight becomes ggml {in, out} without moving data (its rows are already {@code in} long); routed experts, stored
 * either per expert ({@code mlp.experts.E.gate_proj.weight}) or fused by transformers 5
 * ({@code mlp.experts.gate_up_proj [E, 2·ff, hidden]} gate rows first, {@code mlp.experts.down_proj [E, hidden, ff]}),
 * are stacked into ne[2]. Every shape is checked against config.json, and every checkpoint tensor must be used.
 */
public final class HfTensorMapping {
    private final SafetensorsCheckpoint ckpt;
    private final Set<String> used = new LinkedHashSet<>();

    private HfTensorMapping(SafetensorsCheckpoint ckpt) {
        this.ckpt = ckpt;
    }

    /** The row source of every GGUF tensor of {@code hf}'s layout, keyed by the GGUF tensor, in layout order. */
    public static Map<ModelTensor, RowSource> map(HfConfig hf, SafetensorsCheckpoint ckpt) {
        HfTensorMapping m = new HfTensorMapping(ckpt);
        Map<ModelTensor, RowSource> out = new LinkedHashMap<>();
        for (ModelTensor t : HunyuanTensors.of(hf.config(), hf.tiedEmbeddings())) out.put(t, m.source(hf.config(), t));
        if (hf.tiedEmbeddings() && ckpt.tensor("lm_head.weight") != null) m.used.add("lm_head.weight");
        List<String> unused = new ArrayList<>();
        for (String name : ckpt.tensors().keySet()) if (!m.used.contains(name)) unused.add(name);
        if (!unused.isEmpty()) {
            throw new IllegalArgumentException(unused.size() + " checkpoint tensor(s) have no place in a hunyuan-moe GGUF, e.g. '"
                    + unused.getFirst() + "' (is this a Hunyuan-A13B checkpoint matching its config.json?)");
        }
        return out;
    }

    private RowSource source(HunyuanConfig c, ModelTensor t) {
        String n = t.name();
        if (n.equals(TensorNames.TOKEN_EMBD)) return plain("model.embed_tokens.weight", t.ne());
        if (n.equals(TensorNames.OUTPUT_NORM)) return plain("model.norm.weight", t.ne());
        if (n.equals(TensorNames.OUTPUT)) return plain("lm_head.weight", t.ne());
        int layer = Integer.parseInt(n.substring(4, n.indexOf('.', 4)));
        String p = "model.layers." + layer + ".";
        String what = n.substring(n.indexOf('.', 4) + 1, n.length() - ".weight".length());
        if (t.role() == Role.EXPERTS) return experts(c, p + "mlp.experts.", what, t.ne());
        String hf = switch (what) {
            case "attn_norm" -> "input_layernorm.weight";
            case "attn_q" -> "self_attn.q_proj.weight";
            case "attn_k" -> "self_attn.k_proj.weight";
            case "attn_v" -> "self_attn.v_proj.weight";
            case "attn_output" -> "self_attn.o_proj.weight";
            case "attn_q_norm" -> "self_attn.query_layernorm.weight";
            case "attn_k_norm" -> "self_attn.key_layernorm.weight";
            case "ffn_norm" -> "post_attention_layernorm.weight";
            case "ffn_gate_inp" -> "mlp.gate.wg.weight";
            case "ffn_gate_shexp" -> "mlp.shared_mlp.gate_proj.weight";
            case "ffn_up_shexp" -> "mlp.shared_mlp.up_proj.weight";
            case "ffn_down_shexp" -> "mlp.shared_mlp.down_proj.weight";
            default -> throw new AssertionError(n);
        };
        return plain(p + hf, t.ne());
    }

    /** A tensor whose PyTorch shape is the reverse of the GGUF ne. */
    private RowSource plain(String name, long[] ne) {
        return RowSources.of(require(name, reversed(ne)));
    }

    private RowSource experts(HunyuanConfig c, String prefix, String what, long[] ne) {
        int e = c.experts();
        long ff = c.expertFf(), h = c.hiddenSize();
        boolean down = what.equals("ffn_down_exps");
        String fused = down ? "down_proj" : "gate_up_proj";
        SafetensorsTensor f = firstPresent(prefix + fused, prefix + fused + ".weight");
        if (f != null) {
            if (down) return RowSources.of(check(f, new long[] {e, h, ff}));
            RowSource gateUp = RowSources.of(check(f, new long[] {e, 2 * ff, h}));
            long offset = what.equals("ffn_gate_exps") ? 0 : ff;
            List<RowSource> parts = new ArrayList<>(e);
            for (int x = 0; x < e; x++) parts.add(RowSources.window(gateUp, x * 2 * ff + offset, ff));
            return RowSources.stack(parts);
        }
        String proj = switch (what) {
            case "ffn_gate_exps" -> "gate_proj";
            case "ffn_up_exps" -> "up_proj";
            default -> "down_proj";
        };
        long[] shape = {ne[1], ne[0]};
        List<RowSource> parts = new ArrayList<>(e);
        for (int x = 0; x < e; x++) parts.add(RowSources.of(require(prefix + x + "." + proj + ".weight", shape)));
        return RowSources.stack(parts);
    }

    private SafetensorsTensor firstPresent(String... names) {
        for (String name : names) {
            SafetensorsTensor t = ckpt.tensor(name);
            if (t != null) {
                used.add(name);
                return t;
            }
        }
        return null;
    }

    private SafetensorsTensor require(String name, long[] shape) {
        SafetensorsTensor t = ckpt.tensor(name);
        if (t == null) throw new IllegalArgumentException("checkpoint has no tensor '" + name + "' (needed by a hunyuan-moe model of this config.json)");
        used.add(name);
        return check(t, shape);
    }

    private static SafetensorsTensor check(SafetensorsTensor t, long[] shape) {
        if (!Arrays.equals(t.shape(), shape)) {
            throw new IllegalArgumentException(t.file() + ": tensor '" + t.name() + "' has shape " + Arrays.toString(t.shape())
                    + " but config.json implies " + Arrays.toString(shape));
        }
        if (!t.dtype().isFloatReadable()) {
            throw new IllegalArgumentException(t.file() + ": tensor '" + t.name() + "' has dtype " + t.dtype()
                    + "; hy convert reads F32, F16 and BF16 checkpoints");
        }
        return t;
    }

    private static long[] reversed(long[] ne) {
        long[] r = new long[ne.length];
        for (int i = 0; i < ne.length; i++) r[i] = ne[ne.length - 1 - i];
        return r;
    }
}
