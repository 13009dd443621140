package hy.runtime.safetensors;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code .safetensors} file, memory-mapped with the FFM API: an 8-byte little-endian header length, a JSON header
 * naming every tensor's dtype, shape and byte range, then the data. Only the header is decoded; tensors are views into
 * the mapping. Every header field is checked against the file before use, so a truncated or hostile file fails with
 * one {@link SafetensorsFormatException} naming the file and the problem.
 */
public final class SafetensorsFile implements AutoCloseable {
    /** The safetensors library's own limit on the header size. */
    static final long MAX_HEADER_BYTES = 100_000_000L;
    /** Duplicate tensor names would let two entries claim one name; Jackson's default keeps the last silently. */
    private static final ObjectMapper JSON = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY).build();

    private final String label;
    private final Arena arena;
    private final Map<String, SafetensorsTensor> tensors;
    private final Map<String, String> metadata;

    private SafetensorsFile(String label, Arena arena, MemorySegment file) {
        this.label = label;
        this.arena = arena;
        long size = file.byteSize();
        if (size < 8) throw error("file is " + size + " bytes, too short for the 8-byte header length (truncated?)");
        long headerLen = file.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        if (headerLen < 2 || headerLen > MAX_HEADER_BYTES) {
            throw error("header length " + Long.toUnsignedString(headerLen) + " is not in 2.." + MAX_HEADER_BYTES
                    + " bytes (not a safetensors file?)");
        }
        if (headerLen > size - 8) {
            throw error("header length " + headerLen + " runs past the end of the file (" + size + " bytes; truncated?)");
        }
        JsonNode header = parseHeader(file.asSlice(8, headerLen).toArray(ValueLayout.JAVA_BYTE));
        MemorySegment data = file.asSlice(8 + headerLen);
        Map<String, SafetensorsTensor> byName = new LinkedHashMap<>();
        Map<String, String> meta = new LinkedHashMap<>();
        List<long[]> ranges = new ArrayList<>();
        List<String> rangeNames = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("__metadata__")) {
                readMetadata(e.getValue(), meta);
                continue;
            }
            long[] range = new long[2];
            SafetensorsTensor t = readEntry(e.getKey(), e.getValue(), data, range);
            byName.put(t.name(), t);
            ranges.add(range);
            rangeNames.add(t.name());
        }
        checkNoOverlap(ranges, rangeNames);
        this.tensors = Collections.unmodifiableMap(byName);
        this.metadata = Collections.unmodifiableMap(meta);
    }

    private JsonNode parseHeader(byte[] bytes) {
        JsonNode node;
        try {
            node = JSON.readTree(bytes);
        } catch (JacksonException e) {
            throw error("header is not valid JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw error("header cannot be read (" + e.getMessage() + ")");
        }
        if (node == null || !node.isObject()) throw error("header is not a JSON object");
        return node;
    }

    private void readMetadata(JsonNode node, Map<String, String> meta) {
        if (!node.isObject()) throw error("__metadata__ is not a JSON object");
        node.properties().forEach(e -> {
            if (!e.getValue().isTextual()) throw error("__metadata__ value '" + e.getKey() + "' is not a string");
            meta.put(e.getKey(), e.getValue().asText());
        });
    }

    private SafetensorsTensor readEntry(String name, JsonNode entry, MemorySegment data, long[] range) {
        String what = "tensor '" + name + "'";
        if (!entry.isObject()) throw error(what + ": entry is not a JSON object");
        JsonNode dtypeNode = entry.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) throw error(what + ": missing or non-string \"dtype\"");
        SafetensorsDtype dtype = SafetensorsDtype.byName(dtypeNode.asText());
        if (dtype == null) throw error(what + ": unknown dtype \"" + dtypeNode.asText() + "\"");
        JsonNode shapeNode = entry.get("shape");
        if (shapeNode == null || !shapeNode.isArray()) throw error(what + ": missing or non-array \"shape\"");
        long[] shape = new long[shapeNode.size()];
        long elements = 1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = nonNegativeLong(shapeNode.get(i), what + " shape[" + i + "]");
            elements = multiply(elements, shape[i], what + ": the shape's element count overflows");
        }
        JsonNode offsets = entry.get("data_offsets");
        if (offsets == null || !offsets.isArray() || offsets.size() != 2) {
            throw error(what + ": \"data_offsets\" must be an array [begin, end]");
        }
        long begin = nonNegativeLong(offsets.get(0), what + " data_offsets[0]");
        long end = nonNegativeLong(offsets.get(1), what + " data_offsets[1]");
        if (end < begin) throw error(what + ": data_offsets end " + end + " is before begin " + begin);
        if (end > data.byteSize()) {
            throw error(what + ": data_offsets end " + end + " is beyond the data section (" + data.byteSize() + " bytes; truncated file?)");
        }
        long expected = multiply(elements, dtype.bytes, what + ": byte size overflows");
        if (end - begin != expected) {
            throw error(what + ": data_offsets span " + (end - begin) + " bytes but shape " + java.util.Arrays.toString(shape)
                    + " of " + dtype + " needs " + expected);
        }
        range[0] = begin;
        range[1] = end;
        return new SafetensorsTensor(name, dtype, shape, data.asSlice(begin, end - begin), label);
    }

    private long nonNegativeLong(JsonNode n, String what) {
        if (n == null || !n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < 0) {
            throw error(what + " must be a non-negative integer, is " + n);
        }
        return n.asLong();
    }

    private long multiply(long a, long b, String overflowMessage) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw error(overflowMessage);
        }
    }

    private void checkNoOverlap(List<long[]> ranges, List<String> names) {
        Integer[] order = new Integer[ranges.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        java.util.Arrays.sort(order, Comparator.comparingLong(i -> ranges.get(i)[0]));
        long prevEnd = 0;
        String prev = null;
        for (int i : order) {
            long[] r = ranges.get(i);
            if (r[1] == r[0]) continue;
            if (r[0] < prevEnd) {
                throw error("tensor '" + names.get(i) + "' (bytes " + r[0] + ".." + r[1] + ") overlaps tensor '" + prev + "'");
            }
            prevEnd = r[1];
            prev = names.get(i);
        }
    }

    private SafetensorsFormatException error(String problem) {
        return new SafetensorsFormatException(label + ": " + problem);
    }

    /** Maps and parses a safetensors file; it stays mapped until {@link #close()}. Tensors may be read from any thread. */
    public static SafetensorsFile open(Path path) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            MemorySegment seg = size == 0 ? MemorySegment.NULL.reinterpret(0) : ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            return new SafetensorsFile(path.toString(), arena, seg);
        } catch (NoSuchFileException e) {
            arena.close();
            throw new NoSuchFileException(path.toString(), null, "no such file");
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** Parses safetensors bytes already in memory (tests). The caller owns the segment's lifetime. */
    public static SafetensorsFile read(MemorySegment bytes, String label) {
        return new SafetensorsFile(label, null, bytes);
    }

    public String label() {
        return label;
    }

    /** Tensors in header order. */
    public Map<String, SafetensorsTensor> tensors() {
        return tensors;
    }

    /** The named tensor, or null. */
    public SafetensorsTensor tensor(String name) {
        return tensors.get(name);
    }

    /** The free-form {@code __metadata__} strings (e.g. {"format": "pt"}). */
    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public void close() {
        if (arena != null) arena.close();
    }
}
