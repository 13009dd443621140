package hy.runtime.convert;

import hy.runtime.tensor.GgmlType;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The type and byte size of every tensor of a file about to be written, decided up front by a {@link TypePlan}, so
 * that sizes, the file type label and fallbacks are known before any data is produced (and a 45 GB model can be
 * sized without writing it).
 */
public final class TensorPlan {

    /**
     * One tensor's decision.
     * @param fallbackFrom the type the rules wanted when the rows did not fit it, else null
     */
    public record Entry(ModelTensor tensor, GgmlType type, GgmlType fallbackFrom, long bytes) {}

    private final List<Entry> entries;

    private TensorPlan(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** Types every tensor of {@code tensors}; a model with no output.weight has its output tied to token_embd. */
    public static TensorPlan of(TypePlan types, List<ModelTensor> tensors) {
        boolean hasOutput = tensors.stream().anyMatch(t -> t.name().equals("output.weight"));
        List<Entry> out = new ArrayList<>(tensors.size());
        for (ModelTensor t : tensors) {
            TypePlan.Choice c = types.choose(t.name(), t.ne(), hasOutput);
            out.add(new Entry(t, c.type(), c.fallbackFrom(), Math.multiplyExact(c.type().rowBytes(t.ne(0)), t.rowCount())));
        }
        return new TensorPlan(out);
    }

    public List<Entry> entries() {
        return entries;
    }

    /** Tensor data bytes (without header and alignment padding). */
    public long totalBytes() {
        return entries.stream().mapToLong(Entry::bytes).sum();
    }

    /** general.file_type: the type holding the most bytes among quantizable weights. */
    public int fileType() {
        Map<GgmlType, Long> bytes = new EnumMap<>(GgmlType.class);
        for (Entry e : entries) {
            if (TypePlan.isQuantizable(e.tensor().name(), e.tensor().ne())) bytes.merge(e.type(), e.bytes(), Long::sum);
        }
        return LlamaFileType.dominant(bytes);
    }

    /** Bytes per type, largest first (for summaries). */
    public Map<GgmlType, Long> bytesByType() {
        Map<GgmlType, Long> bytes = new EnumMap<>(GgmlType.class);
        for (Entry e : entries) bytes.merge(e.type(), e.bytes(), Long::sum);
        return bytes.entrySet().stream().sorted(Map.Entry.<GgmlType, Long>comparingByValue().reversed())
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
    }

    /** One line describing llama-quantize-style fallbacks ("3 tensors: Q4_K→Q5_0 (rows of 64)"), or null when none. */
    public String fallbackSummary() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Entry e : entries) {
            if (e.fallbackFrom() != null) {
                counts.merge(e.fallbackFrom() + "→" + e.type() + " (rows of " + e.tensor().ne(0) + ")", 1, Integer::sum);
            }
        }
        if (counts.isEmpty()) return null;
        return counts.entrySet().stream().map(x -> x.getValue() + "× " + x.getKey()).collect(Collectors.joining(", "));
    }
}
