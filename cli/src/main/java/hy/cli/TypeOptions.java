package hy.cli;

import hy.runtime.convert.TypePlan;
import hy.runtime.tensor.GgmlType;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The flags every model-writing command shares: per-tensor type rules, --pure, and the thread count. */
final class TypeOptions {
    @Option(names = {"--override-type", "--tensor-type"}, paramLabel = "REGEX=TYPE", converter = RuleConverter.class,
            description = "type for tensors whose name matches REGEX (searched, e.g. 'exps=q4_k', 'attn_.*=q8_0'); "
                    + "repeatable, the first matching rule wins. Norms and the router always stay F32.")
    List<TypePlan.Rule> rules = new ArrayList<>();

    @Option(names = "--pure", description = "no higher-precision output projection (llama-quantize --pure)")
    boolean pure;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "encoder threads, <= 0 = all cores (default: all cores, ${DEFAULT-VALUE})")
    int threads = Runtime.getRuntime().availableProcessors();

    TypePlan plan(GgmlType base) {
        return TypePlan.of(base).withRules(rules).pure(pure);
    }

    /** Parses TYPE arguments into ggml types, listing the accepted names on error. */
    static final class TypeConverter implements CommandLine.ITypeConverter<GgmlType> {
        @Override
        public GgmlType convert(String value) {
            try {
                return TypePlan.parseType(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    static final class RuleConverter implements CommandLine.ITypeConverter<TypePlan.Rule> {
        @Override
        public TypePlan.Rule convert(String value) {
            try {
                return TypePlan.Rule.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
