package hy.runtime.convert;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import hy.runtime.safetensors.SafetensorsFile;
import hy.runtime.safetensors.SafetensorsTensor;
import hy.runtime.testing.SafetensorsWriter;
import hy.runtime.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.BiPredicate;

/** Rewritten copies of the reference checkpoint testdata/hf_tiny: sharded, fused-expert, or other dtypes. */
final class HfTinyCopies {
    private HfTinyCopies() {}

    static Path original() {
        return SharedData.path("testdata/hf_tiny");
    }

    static float[] floats(SafetensorsTensor t) {
        float[] v = new float[Math.toIntExact(t.elementCount())];
        t.readFloats(0, v, 0, v.length);
        return v;
    }

    /** hf_tiny's tensors split over two shards (alternating) with a model.safetensors.index.json. */
    static Path sharded(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.copy(original().resolve("config.json"), dir.resolve("config.json"));
        SafetensorsWriter[] shards = {new SafetensorsWriter(), new SafetensorsWriter()};
        String[] names = {"model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"};
        ObjectMapper json = new ObjectMapper();
        ObjectNode index = json.createObjectNode();
        index.putObject("metadata").put("total_size", 0);
        ObjectNode map = index.putObject("weight_map");
        try (SafetensorsFile f = SafetensorsFile.open(original().resolve("model.safetensors"))) {
            int i = 0;
            for (SafetensorsTensor t : f.tensors().values()) {
                shards[i % 2].add(t.name(), "F32", t.shape(), floats(t));
                map.put(t.name(), names[i % 2]);
                i++;
            }
        }
        for (int s = 0; s < 2; s++) shards[s].write(dir.resolve(names[s]));
        json.writeValue(dir.resolve("model.safetensors.index.json").toFile(), index);
        return dir;
    }

    /**
     * hf_tiny with experts fused the way transformers 5 saves them: mlp.experts.gate_up_proj [E, 2·ff, hidden] (gate
     * rows first) and mlp.experts.down_proj [E, hidden, ff].
     */
    static Path fused(Path dir, int experts) throws IOException {
        Files.createDirectories(dir);
        Files.copy(original().resolve("config.json"), dir.resolve("config.json"));
        SafetensorsWriter w = new SafetensorsWriter();
        try (SafetensorsFile f = SafetensorsFile.open(original().resolve("model.safetensors"))) {
            Map<String, SafetensorsTensor> all = f.tensors();
            for (SafetensorsTensor t : all.values()) if (!t.name().contains(".mlp.experts.")) w.add(t.name(), "F32", t.shape(), floats(t));
            for (int l = 0; ; l++) {
                String p = "model.layers." + l + ".mlp.experts.";
                if (!all.containsKey(p + "0.gate_proj.weight")) break;
                long[] gs = all.get(p + "0.gate_proj.weight").shape();
                long[] ds = all.get(p + "0.down_proj.weight").shape();
                int ff = (int) gs[0], h = (int) gs[1];
                float[] gateUp = new float[experts * 2 * ff * h];
                float[] down = new float[experts * h * ff];
                for (int e = 0; e < experts; e++) {
                    System.arraycopy(floats(all.get(p + e + ".gate_proj.weight")), 0, gateUp, e * 2 * ff * h, ff * h);
                    System.arraycopy(floats(all.get(p + e + ".up_proj.weight")), 0, gateUp, e * 2 * ff * h + ff * h, ff * h);
                    System.arraycopy(floats(all.get(p + e + ".down_proj.weight")), 0, down, e * h * ff, h * ff);
                }
                w.add(p + "gate_up_proj", "F32", new long[] {experts, 2L * ff, h}, gateUp);
                w.add(p + "down_proj", "F32", new long[] {experts, ds[0], ds[1]}, down);
            }
        }
        w.write(dir.resolve("model.safetensors"));
        return dir;
    }

    /** hf_tiny with every tensor passing {@code keep} stored in {@code dtype}; others F32. */
    static Path withDtype(Path dir, String dtype, BiPredicate<String, long[]> keep) throws IOException {
        Files.createDirectories(dir);
        Files.copy(original().resolve("config.json"), dir.resolve("config.json"));
        SafetensorsWriter w = new SafetensorsWriter();
        try (SafetensorsFile f = SafetensorsFile.open(original().resolve("model.safetensors"))) {
            for (SafetensorsTensor t : f.tensors().values()) w.add(t.name(), keep.test(t.name(), t.shape()) ? dtype : "F32", t.shape(), floats(t));
        }
        w.write(dir.resolve("model.safetensors"));
        return dir;
    }
}
