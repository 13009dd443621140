package hy.offload;

import hy.runtime.convert.TensorPlan;
import hy.runtime.gguf.GgufFile;
import hy.runtime.gguf.GgufTensorInfo;
import hy.runtime.model.HunyuanConfig;
import hy.runtime.model.TensorNames;
import hy.runtime.tensor.GgmlType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What placement needs to know about a model: its shape and, for every tensor, name, type and bytes. Read from a
 * GGUF's tensor table or from the plan of a synthetic model (no file), so that a 45 GB model can be planned without
 * the download.
 *
 * @param description one line for reports ("Hunyuan-A13B-Q4_0.gguf", "synthetic, Q8_0, experts Q4_0")
 */
public record ModelInventory(HunyuanConfig config, List<Entry> tensors, String description) {
    private static final Pattern LAYER = Pattern.compile("^blk\\.(\\d+)\\.");

    /**
     * One tensor.
     * @param layer the block index, or -1 for tensors outside the repeating layers
     */
    public record Entry(String name, GgmlType type, long bytes, int layer, TensorGroup group) {
        static Entry of(String name, GgmlType type, long bytes) {
            return new Entry(name, type, bytes, layerOf(name), TensorGroup.of(name));
        }
    }

    public ModelInventory {
        tensors = List.copyOf(tensors);
    }

    /** The tensor table of a GGUF file and the shape from its metadata. */
    public static ModelInventory of(GgufFile f) {
        List<Entry> entries = new ArrayList<>();
        for (GgufTensorInfo t : f.tensorInfos()) entries.add(Entry.of(t.name(), t.type(), t.byteSize()));
        return new ModelInventory(HunyuanConfig.fromGguf(f), entries, f.label());
    }

    /** Tensors already in memory (a mapped file's views, a synthetic model built in memory). */
    public static ModelInventory of(HunyuanConfig c, List<hy.runtime.tensor.Tensor> tensors, String description) {
        List<Entry> entries = new ArrayList<>();
        for (hy.runtime.tensor.Tensor t : tensors) entries.add(Entry.of(t.name(), t.type(), t.byteSize()));
        return new ModelInventory(c, entries, description);
    }

    /** The tensors a synthetic model of this shape and type plan would have. */
    public static ModelInventory of(HunyuanConfig c, TensorPlan plan, String description) {
        List<Entry> entries = new ArrayList<>();
        for (TensorPlan.Entry e : plan.entries()) entries.add(Entry.of(e.tensor().name(), e.type(), e.bytes()));
        return new ModelInventory(c, entries, description);
    }

    /** The block index in a "blk.N.…" name, else -1. */
    public static int layerOf(String tensorName) {
        Matcher m = LAYER.matcher(tensorName);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** Whether the output projection is the token embedding (no output.weight in the file), as in every Hunyuan release. */
    public boolean tiedOutput() {
        return tensors.stream().noneMatch(e -> e.name().equals(TensorNames.OUTPUT));
    }

    public Entry get(String name) {
        for (Entry e : tensors) if (e.name().equals(name)) return e;
        return null;
    }

    public long totalBytes() {
        return tensors.stream().mapToLong(Entry::bytes).sum();
    }

    /** Bytes of each layer's routed-expert tensors, by layer (what expert staging has to hold per layer). */
    public Map<Integer, Long> routedExpertBytesByLayer() {
        Map<Integer, Long> out = new LinkedHashMap<>();
        for (Entry e : tensors) {
            if (e.group() == TensorGroup.ROUTED_EXPERTS && e.layer() >= 0) out.merge(e.layer(), e.bytes(), Long::sum);
        }
        return out;
    }
}
