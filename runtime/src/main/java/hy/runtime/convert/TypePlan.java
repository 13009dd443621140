package hy.runtime.convert;

import hy.runtime.quant.QuantCodecs;
import hy.runtime.tensor.GgmlType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Chooses the ggml type of every tensor written by {@code convert}, {@code quantize} and {@code synth}.
 *
 * <p>The rules, in order:
 * <ol>
 * <li>1-D tensors (norms) and the router {@code ffn_gate_inp} are always F32, as llama.cpp's converter and
 *     llama-quantize keep them.</li>
 * <li>User rules ({@code REGEX=TYPE}, regex searched within the tensor name): the first match wins. A rule whose
 *     type does not tile the tensor's rows is an error, not a silent change.</li>
 * <li>The base type, with two of llama-quantize's default adjustments when it is a block type and the plan is not
 *     {@linkplain #pure() pure}: the output projection (output.weight, or token_embd when the output is tied to it)
 *     becomes Q6_K unless the base is Q8_0 (Q8_0 when its rows do not fit 256-blocks); and a tensor whose rows are not a
 *     multiple of the block size falls back as llama-quantize does (Q4_K→Q5_0, Q5_K→Q5_1, Q6_K→Q8_0, Q2_K/Q3_K/IQ4_XS
 *     →IQ4_NL, then F16). llama-quantize's per-layer mixes (Q4_K_M's Q6_K attn_v/ffn_down, the 8-expert attn_k/v bump)
 *     are not reproduced: the result is uniform apart from the output projection.</li>
 * </ol>
 */
public final class TypePlan {

    /** One {@code REGEX=TYPE} rule. */
    public record Rule(Pattern pattern, GgmlType type) {
        /** Parses {@code REGEX=TYPE} (the last '=' splits, so a regex may contain '='). */
        public static Rule parse(String spec) {
            int eq = spec.lastIndexOf('=');
            if (eq <= 0 || eq == spec.length() - 1) {
                throw new IllegalArgumentException("type rule '" + spec + "' must look like REGEX=TYPE, e.g. 'exps=q4_k'");
            }
            Pattern p;
            try {
                p = Pattern.compile(spec.substring(0, eq));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("type rule '" + spec + "': bad regex (" + e.getDescription() + ")");
            }
            return new Rule(p, parseType(spec.substring(eq + 1)));
        }

        @Override
        public String toString() {
            return pattern.pattern() + "=" + type.name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * The type chosen for one tensor.
     * @param fallbackFrom the type the rules asked for when the rows did not fit it (llama-quantize's fallback), else null
     */
    public record Choice(GgmlType type, GgmlType fallbackFrom) {}

    private final GgmlType base;
    private final List<Rule> rules;
    private final boolean pure;

    private TypePlan(GgmlType base, List<Rule> rules, boolean pure) {
        this.base = base;
        this.rules = List.copyOf(rules);
        this.pure = pure;
    }

    /** Every weight in {@code base} (with llama-quantize's output-projection and fallback adjustments). */
    public static TypePlan of(GgmlType base) {
        return new TypePlan(base, List.of(), false);
    }

    /** Adds rules after the existing ones (earlier rules win). */
    public TypePlan withRules(List<Rule> more) {
        List<Rule> all = new ArrayList<>(rules);
        all.addAll(more);
        return new TypePlan(base, all, pure);
    }

    /** Adds one rule, e.g. {@code withRule("exps", GgmlType.Q4_0)}. */
    public TypePlan withRule(String regex, GgmlType type) {
        return withRules(List.of(new Rule(Pattern.compile(regex), type)));
    }

    /** Pure: no output-projection bump (llama-quantize's --pure); row fallbacks still apply. */
    public TypePlan pure(boolean value) {
        return new TypePlan(base, rules, value);
    }

    public GgmlType baseType() {
        return base;
    }

    public List<Rule> rules() {
        return rules;
    }

    public boolean pure() {
        return pure;
    }

    /** Whether a tensor is a weight that converters may quantize (2-D or more, and not the router). */
    public static boolean isQuantizable(String name, long[] ne) {
        long rows = 1;
        for (int i = 1; i < ne.length; i++) rows *= ne[i];
        return ne.length >= 2 && rows > 1 && !name.contains("ffn_gate_inp");
    }

    /**
     * The type for tensor {@code name} of shape {@code ne}; {@code hasOutputTensor} tells whether the model stores
     * output.weight (when it does not, token_embd doubles as the output projection).
     */
    public Choice choose(String name, long[] ne, boolean hasOutputTensor) {
        if (!isQuantizable(name, ne)) return new Choice(GgmlType.F32, null);
        long rowLength = ne[0];
        for (Rule r : rules) {
            if (r.pattern().matcher(name).find()) {
                if (rowLength % r.type().blockSize != 0) {
                    throw new IllegalArgumentException("type rule '" + r + "': tensor " + name + " has rows of " + rowLength
                            + " weights, not a multiple of " + r.type() + "'s block of " + r.type().blockSize
                            + "; pick a type with " + (rowLength % 32 == 0 ? "32-weight blocks (q8_0, q5_0, q4_0, iq4_nl)" : "no blocks (f16, bf16, f32)"));
                }
                return new Choice(r.type(), null);
            }
        }
        GgmlType wanted = base;
        boolean isOutput = name.equals("output.weight") || (!hasOutputTensor && name.equals("token_embd.weight"));
        if (!pure && base.isQuantized() && isOutput) {
            wanted = rowLength % base.blockSize != 0 ? GgmlType.Q8_0 : base == GgmlType.Q8_0 ? GgmlType.Q8_0 : GgmlType.Q6_K;
        }
        GgmlType fitted = fitRows(wanted, rowLength);
        return new Choice(fitted, fitted == wanted ? null : wanted);
    }

    /** llama-quantize's fallback for rows that the wanted block size does not tile. */
    static GgmlType fitRows(GgmlType t, long rowLength) {
        if (rowLength % t.blockSize == 0) return t;
        GgmlType alt = switch (t) {
            case Q2_K, Q3_K, IQ4_XS -> GgmlType.IQ4_NL;
            case Q4_K -> GgmlType.Q5_0;
            case Q5_K -> GgmlType.Q5_1;
            case Q6_K -> GgmlType.Q8_0;
            default -> GgmlType.F16;
        };
        return rowLength % alt.blockSize == 0 ? alt : GgmlType.F16;
    }

    /** A type name as users type it (case-insensitive ggml names: f32, f16, bf16, q8_0, q4_k, iq4_xs, ...). */
    public static GgmlType parseType(String name) {
        GgmlType t = GgmlType.byName(name.trim());
        if (t == null || !canWrite(t)) {
            String why = t == null ? "unknown type '" + name + "'" : "cannot quantize to " + t + " yet";
            throw new IllegalArgumentException(why + "; choose one of " + writableTypeNames());
        }
        return t;
    }

    /** Whether this runtime has an encoder for {@code t}. */
    public static boolean canWrite(GgmlType t) {
        return QuantCodecs.canQuantize(t);
    }

    /** The type names {@link #parseType} accepts, lower case. */
    public static String writableTypeNames() {
        return String.join(", ", Arrays.stream(GgmlType.values()).filter(TypePlan::canWrite)
                .map(t -> t.name().toLowerCase(Locale.ROOT)).toList());
    }

    @Override
    public String toString() {
        return base + (rules.isEmpty() ? "" : " " + rules) + (pure ? " (pure)" : "");
    }
}
