package hy.runtime.gguf;

import hy.runtime.tensor.GgmlType;
import hy.runtime.tensor.Tensor;
import hy.runtime.util.AtomicFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * Writes GGUF v3 files that llama.cpp and other GGUF readers load. Metadata keeps insertion order; tensors are laid
 * out in the order added, each padded to the alignment. Tensor bytes are produced by a {@link TensorSource} straight
 * into the memory-mapped output, so a converter never holds more than one tensor in memory. The file is written
 * aside and renamed into place only when complete ({@link AtomicFile}).
 */
public final class GgufWriter {

    /** Fills a tensor's bytes; {@code dst} is exactly the tensor's byte size. */
    @FunctionalInterface
    public interface TensorSource {
        void fill(MemorySegment dst) throws IOException;
    }

    private record PendingTensor(String name, GgmlType type, long[] ne, long bytes, TensorSource source) {}

    /** ggml's GGML_MAX_NAME − 1: longer names are rejected by llama.cpp. */
    public static final int MAX_NAME_BYTES = 63;

    private final Map<String, GgufValue> metadata = new LinkedHashMap<>();
    private final List<PendingTensor> tensors = new ArrayList<>();
    private final Set<String> names = new LinkedHashSet<>();
    private int alignment = GgufFile.DEFAULT_ALIGNMENT;

    /**
     * Sets a metadata value (replacing an earlier one, keeping its position). {@code general.alignment} also sets the
     * alignment of the data section and must be a UINT32 power of two.
     */
    public GgufWriter put(String key, GgufValue value) {
        if (key.equals(GgufFile.KEY_ALIGNMENT)) {
            if (value.type() != GgufValueType.UINT32 || Long.bitCount(value.asLong()) != 1
                    || value.asLong() > GgufParser.MAX_ALIGNMENT) {
                throw new IllegalArgumentException(GgufFile.KEY_ALIGNMENT + " must be a UINT32 power of two up to "
                        + GgufParser.MAX_ALIGNMENT + ", got " + value.type() + " " + value.display());
            }
            alignment = (int) value.asLong();
        }
        metadata.put(key, value);
        return this;
    }

    /** Puts every entry of {@code values}, in their iteration order (e.g. all metadata of another file). */
    public GgufWriter putAll(Map<String, GgufValue> values) {
        values.forEach(this::put);
        return this;
    }

    public GgufWriter remove(String key) {
        metadata.remove(key);
        if (key.equals(GgufFile.KEY_ALIGNMENT)) alignment = GgufFile.DEFAULT_ALIGNMENT;
        return this;
    }

    /** The metadata so far, in insertion order (read-only: changes go through {@link #put}). */
    public Map<String, GgufValue> metadata() {
        return Collections.unmodifiableMap(metadata);
    }

    /**
     * Adds a tensor of shape {@code ne} (ggml order, 1 to {@link GgufFile#MAX_DIMS} dimensions) whose bytes
     * {@code source} fills when the file is written.
     */
    public GgufWriter addTensor(String name, GgmlType type, long[] ne, TensorSource source) {
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            throw new IllegalArgumentException("tensor name longer than " + MAX_NAME_BYTES + " bytes: " + name);
        }
        if (ne.length < 1 || ne.length > GgufFile.MAX_DIMS) {
            throw new IllegalArgumentException("tensor " + name + " needs 1.." + GgufFile.MAX_DIMS + " dims, has " + ne.length);
        }
        if (ne[0] % type.blockSize != 0) {
            throw new IllegalArgumentException("tensor " + name + ": " + type + " rows must be a multiple of "
                    + type.blockSize + " weights, ne[0] is " + ne[0]);
        }
        for (long d : ne) {
            if (d < 0) throw new IllegalArgumentException("tensor " + name + " has a negative dimension: " + Arrays.toString(ne));
        }
        long bytes = GgufTensorInfo.byteSize(type, ne);
        if (bytes < 0) throw new IllegalArgumentException("tensor " + name + " of shape " + Arrays.toString(ne) + " is too large");
        if (!names.add(name)) throw new IllegalArgumentException("duplicate tensor name " + name);
        tensors.add(new PendingTensor(name, type, ne.clone(), bytes, source));
        return this;
    }

    /** Adds a tensor whose bytes are copied from an existing view (e.g. another GGUF file). */
    public GgufWriter addTensor(Tensor t) {
        return addTensor(t.name(), t.type(), t.ne(), dst -> dst.copyFrom(t.data()));
    }

    /** Adds an F32 tensor from a float array (tests and small tensors). */
    public GgufWriter addF32(String name, long[] ne, float[] values) {
        return addTensor(name, GgmlType.F32, ne, dst -> MemorySegment.copy(values, 0, dst,
                java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0, values.length));
    }

    public void write(Path out) throws IOException {
        write(out, bytes -> {});
    }

    /**
     * Writes the file atomically. {@code progress} receives the running count of tensor bytes written.
     */
    public void write(Path out, LongConsumer progress) throws IOException {
        byte[] header = header();
        long dataStart = align(header.length);
        long[] offsets = new long[tensors.size()];
        long cursor = 0;
        for (int i = 0; i < tensors.size(); i++) {
            offsets[i] = cursor;
            cursor = align(cursor + tensors.get(i).bytes());
        }
        long total = tensors.isEmpty() ? header.length : dataStart + cursor;
        AtomicFile.write(out, tmp -> {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(header), 0);
                if (total > header.length) {
                    // Extending by writing the last byte keeps padding zero without writing it.
                    ch.write(ByteBuffer.wrap(new byte[1]), total - 1);
                }
                long done = 0;
                for (int i = 0; i < tensors.size(); i++) {
                    PendingTensor t = tensors.get(i);
                    if (t.bytes() == 0) continue;
                    // A shared arena per tensor: sources may fill from several threads, and unmapping each tensor
                    // when done keeps a 45 GB write from holding every mapping until the end.
                    try (Arena arena = Arena.ofShared()) {
                        MemorySegment dst = ch.map(FileChannel.MapMode.READ_WRITE, dataStart + offsets[i], t.bytes(), arena);
                        t.source().fill(dst);
                        dst.force();
                    }
                    done += t.bytes();
                    progress.accept(done);
                }
                ch.force(true);
            }
        });
    }

    private long align(long x) {
        return (x + alignment - 1) / alignment * alignment;
    }

    private byte[] header() {
        Buf b = new Buf();
        b.u32(GgufFile.MAGIC);
        b.u32(3);
        b.u64(tensors.size());
        b.u64(metadata.size());
        for (Map.Entry<String, GgufValue> e : metadata.entrySet()) {
            b.string(e.getKey());
            b.u32(e.getValue().type().id);
            writeValue(b, e.getValue());
        }
        long cursor = 0;
        for (PendingTensor t : tensors) {
            b.string(t.name());
            b.u32(t.ne().length);
            for (long d : t.ne()) b.u64(d);
            b.u32(t.type().id);
            b.u64(cursor);
            cursor = align(cursor + t.bytes());
        }
        return b.toByteArray();
    }

    private static void writeValue(Buf b, GgufValue v) {
        Object o = v.value();
        switch (v.type()) {
            case UINT8, INT8 -> b.write((Byte) o);
            case UINT16, INT16 -> b.u16((Short) o);
            case UINT32, INT32 -> b.u32((Integer) o);
            case UINT64, INT64 -> b.u64((Long) o);
            case FLOAT32 -> b.u32(Float.floatToRawIntBits((Float) o));
            case FLOAT64 -> b.u64(Double.doubleToRawLongBits((Double) o));
            case BOOL -> b.write(((Boolean) o) ? 1 : 0);
            case STRING -> b.string((String) o);
            case ARRAY -> writeArray(b, (GgufArray) o);
        }
    }

    private static void writeArray(Buf b, GgufArray a) {
        b.u32(a.elementType().id);
        int n = a.length();
        b.u64(n);
        Object vals = a.values();
        switch (a.elementType()) {
            case UINT8, INT8 -> b.write((byte[]) vals, 0, n);
            case UINT16, INT16 -> { for (short s : (short[]) vals) b.u16(s); }
            case UINT32, INT32 -> { for (int s : (int[]) vals) b.u32(s); }
            case UINT64, INT64 -> { for (long s : (long[]) vals) b.u64(s); }
            case FLOAT32 -> { for (float s : (float[]) vals) b.u32(Float.floatToRawIntBits(s)); }
            case FLOAT64 -> { for (double s : (double[]) vals) b.u64(Double.doubleToRawLongBits(s)); }
            case BOOL -> { for (boolean s : (boolean[]) vals) b.write(s ? 1 : 0); }
            case STRING -> { for (String s : (String[]) vals) b.string(s); }
            case ARRAY -> { for (GgufArray s : (GgufArray[]) vals) writeArray(b, s); }
        }
    }

    /** Little-endian byte sink for the header. */
    private static final class Buf extends ByteArrayOutputStream {
        void u16(int v) {
            write(v);
            write(v >>> 8);
        }

        void u32(int v) {
            for (int i = 0; i < 4; i++) write(v >>> (8 * i));
        }

        void u64(long v) {
            for (int i = 0; i < 8; i++) write((int) (v >>> (8 * i)));
        }

        void string(String s) {
            byte[] bytes = utf8(s);
            u64(bytes.length);
            write(bytes, 0, bytes.length);
        }

        /** Strict UTF-8: a lone surrogate would otherwise be written as '?' and not read back as it was put. */
        private static byte[] utf8(String s) {
            try {
                ByteBuffer b = StandardCharsets.UTF_8.newEncoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .encode(CharBuffer.wrap(s));
                byte[] out = new byte[b.remaining()];
                b.get(out);
                return out;
            } catch (CharacterCodingException e) {
                String head = s.length() > 40 ? s.substring(0, 40) + "..." : s;
                throw new IllegalArgumentException("string is not valid Unicode (lone surrogate): \"" + head + "\"");
            }
        }
    }
}
