package hy.runtime.safetensors;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The weights of a Hugging Face model directory: either one {@code model.safetensors} or the shards listed by
 * {@code model.safetensors.index.json} ("weight_map": tensor name → shard file). Every shard is mapped once; tensors
 * are looked up by name across shards.
 */
public final class SafetensorsCheckpoint implements AutoCloseable {
    public static final String SINGLE_FILE = "model.safetensors";
    public static final String INDEX_FILE = "model.safetensors.index.json";

    private final List<SafetensorsFile> files;
    private final Map<String, SafetensorsTensor> tensors;

    private SafetensorsCheckpoint(List<SafetensorsFile> files, Map<String, SafetensorsTensor> tensors) {
        this.files = files;
        this.tensors = Collections.unmodifiableMap(tensors);
    }

    /** Opens the weights of {@code dir}: the index and its shards when an index exists, else model.safetensors. */
    public static SafetensorsCheckpoint open(Path dir) throws IOException {
        Path index = dir.resolve(INDEX_FILE);
        if (Files.isRegularFile(index)) return openIndexed(dir, index);
        Path single = dir.resolve(SINGLE_FILE);
        if (Files.isRegularFile(single)) {
            SafetensorsFile f = SafetensorsFile.open(single);
            return new SafetensorsCheckpoint(List.of(f), new LinkedHashMap<>(f.tensors()));
        }
        throw new IOException(dir + ": no " + SINGLE_FILE + " or " + INDEX_FILE
                + " (expected a Hugging Face model directory with safetensors weights)");
    }

    private static SafetensorsCheckpoint openIndexed(Path dir, Path index) throws IOException {
        Map<String, String> weightMap = readWeightMap(index);
        Map<String, SafetensorsFile> byShard = new LinkedHashMap<>();
        Map<String, SafetensorsTensor> tensors = new LinkedHashMap<>();
        boolean ok = false;
        try {
            for (Map.Entry<String, String> e : weightMap.entrySet()) {
                String shard = e.getValue();
                SafetensorsFile f = byShard.get(shard);
                if (f == null) {
                    f = SafetensorsFile.open(dir.resolve(shard));
                    byShard.put(shard, f);
                }
                SafetensorsTensor t = f.tensor(e.getKey());
                if (t == null) {
                    throw new SafetensorsFormatException(index + ": tensor '" + e.getKey() + "' is mapped to " + shard
                            + " but that file has no such tensor");
                }
                tensors.put(e.getKey(), t);
            }
            ok = true;
            return new SafetensorsCheckpoint(new ArrayList<>(byShard.values()), tensors);
        } finally {
            if (!ok) byShard.values().forEach(SafetensorsFile::close);
        }
    }

    private static Map<String, String> readWeightMap(Path index) throws IOException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(index.toFile());
        } catch (JacksonException e) {
            throw new SafetensorsFormatException(index + ": not valid JSON (" + e.getOriginalMessage() + ")");
        }
        JsonNode map = root == null ? null : root.get("weight_map");
        if (map == null || !map.isObject() || map.isEmpty()) {
            throw new SafetensorsFormatException(index + ": missing or empty \"weight_map\" object");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : map.properties()) {
            String shard = e.getValue().isTextual() ? e.getValue().asText() : null;
            // Shards live beside the index; anything else (absolute paths, "..", subfolders) is refused.
            if (shard == null || shard.isEmpty() || shard.contains("/") || shard.contains("\\") || shard.equals("..") || shard.equals(".")) {
                throw new SafetensorsFormatException(index + ": tensor '" + e.getKey() + "' maps to " + e.getValue()
                        + ", which is not a file name in the model directory");
            }
            out.put(e.getKey(), shard);
        }
        return out;
    }

    /** All tensors, in index (or header) order. */
    public Map<String, SafetensorsTensor> tensors() {
        return tensors;
    }

    /** The named tensor, or null. */
    public SafetensorsTensor tensor(String name) {
        return tensors.get(name);
    }

    /** Number of files mapped (1 for a single-file checkpoint). */
    public int fileCount() {
        return files.size();
    }

    @Override
    public void close() {
        files.forEach(SafetensorsFile::close);
    }
}
