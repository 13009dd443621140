package hy.cli;

import hy.runtime.tensor.GgmlType;
import java.util.Set;
import picocli.CommandLine;

/** Parses -ctk/-ctv values: the KV cache types the backends implement. */
final class CacheTypeConverter implements CommandLine.ITypeConverter<GgmlType> {
    static final Set<GgmlType> SUPPORTED = Set.of(GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0);

    @Override
    public GgmlType convert(String value) {
        GgmlType t = GgmlType.byName(value);
        if (t == null || !SUPPORTED.contains(t)) {
            throw new CommandLine.TypeConversionException("unsupported cache type '" + value + "' (use f16, bf16, q8_0 or f32)");
        }
        return t;
    }
}
