package hy.runtime.gguf;

import hy.runtime.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A GGUF v2/v3 file: typed metadata, the tensor table, and zero-copy views of the tensor data.
 *
 * <p>The whole file is memory-mapped with the FFM API (one shared arena, released by {@link #close()}); only the
 * header is decoded into Java objects. Every field is bounds-checked before it is read, so a truncated or hostile
 * file fails with one {@link GgufFormatException} that names the field and its byte offset.
 */
public final class GgufFile implements AutoCloseable {
    public static final int MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
    public static final int DEFAULT_ALIGNMENT = 32;
    public static final String KEY_ALIGNMENT = "general.alignment";
    /** ggml's GGML_MAX_DIMS. */
    public static final int MAX_DIMS = 4;

    private final String label;
    private final Arena arena;
    private final MemorySegment file;
    private final int version;
    private final Map<String, GgufValue> metadata;
    private final List<GgufTensorInfo> tensors;
    private final Map<String, GgufTensorInfo> tensorsByName;
    private final int alignment;
    private final long dataOffset;

    private GgufFile(String label, Arena arena, MemorySegment file, GgufParser.Header h) {
        this.label = label;
        this.arena = arena;
        this.file = file;
        this.version = h.version();
        this.metadata = h.metadata();
        this.tensors = h.tensors();
        this.alignment = h.alignment();
        this.dataOffset = h.dataOffset();
        Map<String, GgufTensorInfo> byName = new HashMap<>();
        for (GgufTensorInfo t : tensors) byName.put(t.name(), t);
        this.tensorsByName = Collections.unmodifiableMap(byName);
    }

    /** Maps and parses a GGUF file. The file stays mapped until {@link #close()}. */
    public static GgufFile open(Path path) throws IOException {
        if (Files.isDirectory(path)) throw new IOException(path + " is a directory, not a GGUF file");
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            // An empty file cannot be mapped; an empty heap segment lets the parser report it like any other.
            MemorySegment seg = size == 0 ? MemorySegment.ofArray(new byte[0]) : ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            return parse(path.toString(), arena, seg);
        } catch (NoSuchFileException e) {
            arena.close();
            throw new NoSuchFileException(path.toString(), null, "no such file");
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** Parses GGUF bytes already in memory (tests, fuzzing). The caller owns the segment's lifetime. */
    public static GgufFile read(MemorySegment bytes, String label) {
        return parse(label, null, bytes);
    }

    private static GgufFile parse(String label, Arena arena, MemorySegment seg) {
        try {
            return new GgufFile(label, arena, seg, GgufParser.parse(seg));
        } catch (GgufFormatException e) {
            throw new GgufFormatException(label + ": " + e.getMessage());
        }
    }

    public String label() {
        return label;
    }

    public int version() {
        return version;
    }

    public int alignment() {
        return alignment;
    }

    /** File offset of the data section. */
    public long dataOffset() {
        return dataOffset;
    }

    public long fileSize() {
        return file.byteSize();
    }

    /** The mapped file (header and data). */
    public MemorySegment segment() {
        return file;
    }

    /** All metadata in file order. */
    public Map<String, GgufValue> metadata() {
        return metadata;
    }

    public List<GgufTensorInfo> tensorInfos() {
        return tensors;
    }

    public GgufValue get(String key) {
        return metadata.get(key);
    }

    public boolean has(String key) {
        return metadata.containsKey(key);
    }

    private GgufValue require(String key) {
        GgufValue v = metadata.get(key);
        if (v == null) throw new GgufFormatException(label + ": missing metadata key '" + key + "'");
        return v;
    }

    public String getString(String key) {
        GgufValue v = require(key);
        if (v.type() != GgufValueType.STRING) throw new GgufFormatException(label + ": metadata '" + key + "' must be a string, is " + v.type());
        return v.asString();
    }

    public String getString(String key, String fallback) {
        return has(key) ? getString(key) : fallback;
    }

    public long getLong(String key) {
        GgufValue v = require(key);
        if (!v.isInteger()) throw new GgufFormatException(label + ": metadata '" + key + "' must be an integer, is " + v.type());
        try {
            return v.asLong();
        } catch (ArithmeticException e) {
            throw new GgufFormatException(label + ": metadata '" + key + "': " + e.getMessage());
        }
    }

    public long getLong(String key, long fallback) {
        return has(key) ? getLong(key) : fallback;
    }

    public int getInt(String key) {
        long v = getLong(key);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) throw new GgufFormatException(label + ": metadata '" + key + "' = " + v + " is out of range");
        return (int) v;
    }

    public int getInt(String key, int fallback) {
        return has(key) ? getInt(key) : fallback;
    }

    public double getDouble(String key) {
        GgufValue v = require(key);
        if (v.type() == GgufValueType.STRING || v.type() == GgufValueType.ARRAY || v.type() == GgufValueType.BOOL) {
            throw new GgufFormatException(label + ": metadata '" + key + "' must be a number, is " + v.type());
        }
        return v.asDouble();
    }

    public double getDouble(String key, double fallback) {
        return has(key) ? getDouble(key) : fallback;
    }

    public boolean getBoolean(String key, boolean fallback) {
        if (!has(key)) return fallback;
        GgufValue v = require(key);
        if (v.type() != GgufValueType.BOOL) throw new GgufFormatException(label + ": metadata '" + key + "' must be a bool, is " + v.type());
        return v.asBoolean();
    }

    public GgufArray getArray(String key) {
        GgufValue v = require(key);
        if (v.type() != GgufValueType.ARRAY) throw new GgufFormatException(label + ": metadata '" + key + "' must be an array, is " + v.type());
        return v.asArray();
    }

    public boolean hasTensor(String name) {
        return tensorsByName.containsKey(name);
    }

    public GgufTensorInfo tensorInfo(String name) {
        return tensorsByName.get(name);
    }

    /** A zero-copy view of the named tensor; throws when the file has no such tensor. */
    public Tensor tensor(String name) {
        GgufTensorInfo info = tensorsByName.get(name);
        if (info == null) throw new GgufFormatException(label + ": missing tensor '" + name + "'");
        return view(info);
    }

    /** A zero-copy view of the named tensor, or null. */
    public Tensor tensorOrNull(String name) {
        GgufTensorInfo info = tensorsByName.get(name);
        return info == null ? null : view(info);
    }

    public Tensor view(GgufTensorInfo info) {
        return new Tensor(info.name(), info.type(), info.ne(), file.asSlice(dataOffset + info.offset(), info.byteSize()));
    }

    @Override
    public void close() {
        if (arena != null) arena.close();
    }
}
