package hy.runtime.gguf;

import hy.runtime.tensor.GgmlType;
import hy.runtime.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
    /** Nested arrays deeper than this are rejected (the format allows them; no model uses more than one level). */
    static final int MAX_ARRAY_DEPTH = 4;

    private final String label;
    private final Arena arena;
    private final MemorySegment file;
    private final int version;
    private final Map<String, GgufValue> metadata;
    private final List<GgufTensorInfo> tensors;
    private final Map<String, GgufTensorInfo> tensorsByName;
    private final int alignment;
    private final long dataOffset;

    private GgufFile(String label, Arena arena, MemorySegment file) {
        this.label = label;
        this.arena = arena;
        this.file = file;
        GgufCursor c = new GgufCursor(file);
        int magic = c.u32("magic");
        if (magic != MAGIC) {
            throw c.error("magic", 0, "not a GGUF file (expected the bytes 'GGUF', found " + printable(magic) + ")");
        }
        int v = c.u32("version");
        if (v == 1) throw c.error("version", 4, "GGUF v1 is not supported; re-convert the model with a current llama.cpp or `hy convert`");
        if (v != 2 && v != 3) {
            if ((v & 0xFFFF) == 0 && Integer.reverseBytes(v) <= 3) {
                throw c.error("version", 4, "this is a big-endian GGUF file; only little-endian files are supported");
            }
            throw c.error("version", 4, "unsupported GGUF version " + Integer.toUnsignedString(v) + " (supported: 2, 3)");
        }
        this.version = v;
        // Smallest tensor info: name (8) + n_dims (4) + type (4) + offset (8); smallest KV: key (8) + type (4) + 1.
        int tensorCount = c.count("tensor count", 24);
        int kvCount = c.count("metadata KV count", 13);

        Map<String, GgufValue> meta = new LinkedHashMap<>();
        for (int i = 0; i < kvCount; i++) {
            long at = c.position();
            String key = c.string("metadata key #" + i);
            if (meta.containsKey(key)) throw c.error("metadata key '" + key + "'", at, "duplicate key");
            long typeAt = c.position();
            int typeId = c.u32("type of '" + key + "'");
            GgufValueType type = GgufValueType.byId(Integer.toUnsignedLong(typeId));
            if (type == null) throw c.error("type of '" + key + "'", typeAt, "unknown metadata value type " + Integer.toUnsignedString(typeId));
            meta.put(key, readValue(c, type, "'" + key + "'", 0));
        }
        this.metadata = Collections.unmodifiableMap(meta);

        int align = DEFAULT_ALIGNMENT;
        GgufValue a = meta.get(KEY_ALIGNMENT);
        if (a != null) {
            if (a.type() != GgufValueType.UINT32) {
                throw new GgufFormatException("metadata '" + KEY_ALIGNMENT + "': must be UINT32, is " + a.type());
            }
            long al = a.asLong();
            if (al == 0 || Long.bitCount(al) != 1 || al > (1 << 20)) {
                throw new GgufFormatException("metadata '" + KEY_ALIGNMENT + "': alignment " + al + " is not a power of two up to 1 MiB");
            }
            align = (int) al;
        }
        this.alignment = align;

        List<GgufTensorInfo> infos = new ArrayList<>(tensorCount);
        Map<String, GgufTensorInfo> byName = new HashMap<>();
        for (int i = 0; i < tensorCount; i++) {
            long at = c.position();
            String name = c.string("tensor #" + i + " name");
            String field = "tensor '" + name + "'";
            if (byName.containsKey(name)) throw c.error(field, at, "duplicate tensor name");
            long dimsAt = c.position();
            int nDims = c.u32(field + " n_dims");
            if (nDims < 0 || nDims > MAX_DIMS) {
                throw c.error(field + " n_dims", dimsAt, "n_dims " + Integer.toUnsignedString(nDims) + " is not in 0.." + MAX_DIMS);
            }
            long[] ne = new long[nDims];
            long elements = 1;
            for (int d = 0; d < nDims; d++) {
                long neAt = c.position();
                ne[d] = c.u64(field + " ne[" + d + "]");
                if (ne[d] < 0) throw c.error(field + " ne[" + d + "]", neAt, "dimension " + Long.toUnsignedString(ne[d]) + " is negative as int64");
                try {
                    elements = Math.multiplyExact(elements, ne[d]);
                } catch (ArithmeticException e) {
                    throw c.error(field + " ne[" + d + "]", neAt, "the product of the dimensions overflows int64");
                }
            }
            long typeAt = c.position();
            int typeId = c.u32(field + " type");
            GgmlType type = GgmlType.byId(typeId);
            if (type == null) throw c.error(field + " type", typeAt, "unknown ggml type id " + Integer.toUnsignedString(typeId));
            long ne0 = nDims == 0 ? 1 : ne[0];
            if (ne0 % type.blockSize != 0) {
                throw c.error(field + " ne[0]", dimsAt + 4, "row length " + ne0 + " is not a multiple of the " + type + " block size " + type.blockSize);
            }
            long rows = ne0 == 0 ? 0 : elements / ne0;
            long bytes;
            try {
                bytes = Math.multiplyExact(type.rowBytes(ne0), rows);
            } catch (ArithmeticException e) {
                throw c.error(field, at, "byte size overflows int64");
            }
            long offAt = c.position();
            long offset = c.u64(field + " offset");
            if (offset < 0) throw c.error(field + " offset", offAt, "offset " + Long.toUnsignedString(offset) + " is negative as int64");
            if (offset % align != 0) throw c.error(field + " offset", offAt, "offset " + offset + " is not a multiple of the alignment " + align);
            GgufTensorInfo info = new GgufTensorInfo(name, type, nDims == 0 ? new long[] {1} : ne, offset, bytes, at);
            infos.add(info);
            byName.put(name, info);
        }
        long headerEnd = c.position();
        long data = (headerEnd + align - 1) / align * align;
        if (tensorCount > 0 && data > c.size()) {
            throw c.error("data section", headerEnd, "starts at byte " + data + " (after alignment padding) beyond the end of the file (" + c.size() + " bytes)");
        }
        this.dataOffset = Math.min(data, c.size());
        long dataSize = c.size() - dataOffset;
        List<GgufTensorInfo> sorted = new ArrayList<>(infos);
        sorted.sort(Comparator.comparingLong(GgufTensorInfo::offset));
        long prevEnd = 0;
        String prevName = null;
        for (GgufTensorInfo t : sorted) {
            if (t.byteSize() > dataSize || t.offset() > dataSize - t.byteSize()) {
                throw new GgufFormatException("tensor '" + t.name() + "' (entry at byte " + t.infoOffset() + "): data at byte "
                        + (dataOffset + t.offset()) + " with " + t.byteSize() + " bytes runs past the end of the file ("
                        + c.size() + " bytes; truncated file?)");
            }
            if (t.offset() < prevEnd) {
                throw new GgufFormatException("tensor '" + t.name() + "' (entry at byte " + t.infoOffset() + "): data at offset "
                        + t.offset() + " overlaps tensor '" + prevName + "' which ends at offset " + prevEnd);
            }
            if (t.byteSize() > 0) {
                prevEnd = t.offset() + t.byteSize();
                prevName = t.name();
            }
        }
        this.tensors = Collections.unmodifiableList(infos);
        this.tensorsByName = Collections.unmodifiableMap(byName);
    }

    private static String printable(int magic) {
        StringBuilder sb = new StringBuilder("'");
        for (int i = 0; i < 4; i++) {
            int b = (magic >>> (8 * i)) & 0xff;
            sb.append(b >= 0x20 && b < 0x7f ? String.valueOf((char) b) : String.format("\\x%02x", b));
        }
        return sb.append('\'').toString();
    }

    private static GgufValue readValue(GgufCursor c, GgufValueType type, String field, int depth) {
        return switch (type) {
            case UINT8, INT8 -> new GgufValue(type, c.u8(field));
            case UINT16, INT16 -> new GgufValue(type, c.u16(field));
            case UINT32, INT32 -> new GgufValue(type, c.u32(field));
            case UINT64, INT64 -> new GgufValue(type, c.u64(field));
            case FLOAT32 -> new GgufValue(type, c.f32(field));
            case FLOAT64 -> new GgufValue(type, c.f64(field));
            case BOOL -> new GgufValue(type, c.bool(field));
            case STRING -> new GgufValue(type, c.string(field));
            case ARRAY -> new GgufValue(type, readArray(c, field, depth));
        };
    }

    private static GgufArray readArray(GgufCursor c, String field, int depth) {
        long at = c.position();
        if (depth >= MAX_ARRAY_DEPTH) throw c.error(field, at, "arrays nested deeper than " + MAX_ARRAY_DEPTH + " levels");
        int typeId = c.u32(field + " element type");
        GgufValueType et = GgufValueType.byId(Integer.toUnsignedLong(typeId));
        if (et == null) throw c.error(field + " element type", at, "unknown array element type " + Integer.toUnsignedString(typeId));
        int n = c.count(field + " array length", et.minBytes());
        switch (et) {
            case UINT8, INT8 -> {
                byte[] v = new byte[n];
                for (int i = 0; i < n; i++) v[i] = c.u8(field);
                return new GgufArray(et, v);
            }
            case UINT16, INT16 -> {
                short[] v = new short[n];
                for (int i = 0; i < n; i++) v[i] = c.u16(field);
                return new GgufArray(et, v);
            }
            case UINT32, INT32 -> {
                int[] v = new int[n];
                for (int i = 0; i < n; i++) v[i] = c.u32(field);
                return new GgufArray(et, v);
            }
            case UINT64, INT64 -> {
                long[] v = new long[n];
                for (int i = 0; i < n; i++) v[i] = c.u64(field);
                return new GgufArray(et, v);
            }
            case FLOAT32 -> {
                float[] v = new float[n];
                for (int i = 0; i < n; i++) v[i] = c.f32(field);
                return new GgufArray(et, v);
            }
            case FLOAT64 -> {
                double[] v = new double[n];
                for (int i = 0; i < n; i++) v[i] = c.f64(field);
                return new GgufArray(et, v);
            }
            case BOOL -> {
                boolean[] v = new boolean[n];
                for (int i = 0; i < n; i++) v[i] = c.bool(field);
                return new GgufArray(et, v);
            }
            case STRING -> {
                String[] v = new String[n];
                for (int i = 0; i < n; i++) v[i] = c.string(field + "[" + i + "]");
                return new GgufArray(et, v);
            }
            case ARRAY -> {
                GgufArray[] v = new GgufArray[n];
                for (int i = 0; i < n; i++) v[i] = readArray(c, field + "[" + i + "]", depth + 1);
                return new GgufArray(et, v);
            }
        }
        throw new AssertionError(et);
    }

    /** Maps and parses a GGUF file. The file stays mapped until {@link #close()}. */
    public static GgufFile open(Path path) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            MemorySegment seg = size == 0 ? MemorySegment.NULL.reinterpret(0) : ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
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
            return new GgufFile(label, arena, seg);
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
