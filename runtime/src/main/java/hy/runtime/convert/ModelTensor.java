package hy.runtime.convert;

import java.util.Arrays;

/**
 * One tensor of a hunyuan-moe GGUF: its llama.cpp name, ggml shape ({@code ne[0]} contiguous) and role. The role
 * decides how converters type it (norms and the router stay F32) and how synthetic weights are scaled.
 */
public record ModelTensor(String name, long[] ne, Role role) {

    /** What a tensor does in the model. */
    public enum Role {
        /** token_embd: looked up by id, and the tied output projection. */
        EMBEDDING,
        /** RMSNorm weights (1-D). */
        NORM,
        /** The expert router ffn_gate_inp. */
        ROUTER,
        /** attn_q/k/v/output. */
        ATTENTION,
        /** Stacked routed experts, ne[2] = expert count. */
        EXPERTS,
        /** The shared expert's FFN. */
        SHARED_EXPERT,
        /** output.weight, only where a model does not tie it to the embedding. */
        OUTPUT,
        /** Anything else a foreign GGUF may hold. */
        OTHER;

        /** The role a tensor of a GGUF file plays, told by its llama.cpp name. */
        public static Role ofName(String name, long[] ne) {
            if (name.equals("token_embd.weight")) return EMBEDDING;
            if (name.equals("output.weight")) return OUTPUT;
            if (name.contains("ffn_gate_inp")) return ROUTER;
            if (ne.length == 1 && name.contains("norm")) return NORM;
            if (name.contains("_exps")) return EXPERTS;
            if (name.contains("_shexp")) return SHARED_EXPERT;
            if (name.contains(".attn_")) return ATTENTION;
            return OTHER;
        }
    }

    public ModelTensor {
        ne = ne.clone();
    }

    @Override
    public long[] ne() {
        return ne.clone();
    }

    public long ne(int dim) {
        return dim < ne.length ? ne[dim] : 1;
    }

    public int rowLength() {
        return Math.toIntExact(ne[0]);
    }

    public long rowCount() {
        long n = 1;
        for (int i = 1; i < ne.length; i++) n *= ne[i];
        return n;
    }

    public long elementCount() {
        return ne[0] * rowCount();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelTensor t && t.name.equals(name) && Arrays.equals(t.ne, ne) && t.role == role;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(ne);
    }

    @Override
    public String toString() {
        return name + " " + Arrays.toString(ne);
    }
}
