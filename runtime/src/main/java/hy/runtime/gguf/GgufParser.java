package hy.runtime.gguf;

import hy.runtime.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decodes and validates a GGUF header (v2 or v3): magic, version, metadata, tensor table, and the placement of
 * every tensor's bytes in the data section. Anything wrong ends in one {@link GgufFormatException} naming the field
 * and its byte offset.
 *
 * <p>It accepts more layouts than llama.cpp (which wants the tensors packed in table order): any order is fine as
 * long as each tensor is aligned, inside the file and overlaps no other.
 */
final class GgufParser {

    /** The decoded header. {@code dataOffset} is where the data section starts (the file size when it is empty). */
    record Header(int version, Map<String, GgufValue> metadata, int alignment, List<GgufTensorInfo> tensors,
                  long dataOffset) {}

    /** Largest {@code general.alignment} accepted: keeps alignment arithmetic far from overflow. */
    static final int MAX_ALIGNMENT = 1 << 30;
    // Smallest encodings, used to reject counts the file cannot hold before allocating for them.
    private static final int MIN_TENSOR_INFO_BYTES = 8 + 4 + 4 + 8; // name length, n_dims (0), type, offset
    private static final int MIN_KV_BYTES = 8 + 4 + 1; // key length, value type, a u8 value

    private final GgufCursor c;

    private GgufParser(MemorySegment file) {
        this.c = new GgufCursor(file);
    }

    static Header parse(MemorySegment file) {
        return new GgufParser(file).header();
    }

    private Header header() {
        int version = magicAndVersion();
        int tensorCount = c.count("tensor count", MIN_TENSOR_INFO_BYTES);
        int kvCount = c.count("metadata KV count", MIN_KV_BYTES);
        Map<String, GgufValue> metadata = new LinkedHashMap<>();
        int alignment = GgufFile.DEFAULT_ALIGNMENT;
        for (int i = 0; i < kvCount; i++) {
            long at = c.position();
            String key = c.string("metadata key #" + i);
            String field = "metadata '" + key + "'";
            if (metadata.containsKey(key)) throw c.error(field, at, "duplicate key");
            GgufValueType type = GgufValueReader.type(c, field + " type");
            long valueAt = c.position();
            GgufValue value = GgufValueReader.value(c, type, field);
            if (key.equals(GgufFile.KEY_ALIGNMENT)) alignment = alignment(value, field, valueAt);
            metadata.put(key, value);
        }
        List<GgufTensorInfo> tensors = new ArrayList<>(tensorCount);
        Set<String> names = new HashSet<>();
        for (int i = 0; i < tensorCount; i++) {
            GgufTensorInfo t = tensorInfo(i, alignment);
            if (!names.add(t.name())) throw c.error("tensor '" + t.name() + "'", t.infoOffset(), "duplicate tensor name");
            tensors.add(t);
        }
        long headerEnd = c.position();
        long dataOffset = (headerEnd + alignment - 1) / alignment * alignment;
        if (tensorCount > 0 && dataOffset > c.size()) {
            throw c.error("data section", headerEnd, "starts at byte " + dataOffset
                    + " (after alignment padding), beyond the end of the file (" + c.size() + " bytes; truncated file?)");
        }
        dataOffset = Math.min(dataOffset, c.size());
        checkPlacement(tensors, dataOffset);
        return new Header(version, Collections.unmodifiableMap(metadata), alignment,
                Collections.unmodifiableList(tensors), dataOffset);
    }

    private int magicAndVersion() {
        if (c.size() < 4) throw c.error("magic", 0, "not a GGUF file (only " + c.size() + " bytes long)");
        int magic = c.u32("magic");
        if (magic != GgufFile.MAGIC) {
            throw c.error("magic", 0, "not a GGUF file (expected the bytes 'GGUF', found " + printable(magic) + ")");
        }
        int v = c.u32("version");
        if (v == 1) {
            throw c.error("version", 4, "GGUF v1 is not supported; re-convert the model with a current llama.cpp or `hy convert`");
        }
        if (v != 2 && v != 3) {
            if (Integer.reverseBytes(v) == 2 || Integer.reverseBytes(v) == 3) {
                throw c.error("version", 4, "this is a big-endian GGUF file; only little-endian files are supported");
            }
            throw c.error("version", 4, "unsupported GGUF version " + Integer.toUnsignedString(v) + " (supported: 2, 3)");
        }
        return v;
    }

    private int alignment(GgufValue value, String field, long at) {
        if (value.type() != GgufValueType.UINT32) throw c.error(field, at, "must be UINT32, is " + value.type());
        long a = value.asLong();
        if (a == 0 || Long.bitCount(a) != 1 || a > MAX_ALIGNMENT) {
            throw c.error(field, at, "alignment " + a + " is not a power of two up to " + MAX_ALIGNMENT);
        }
        return (int) a;
    }

    private GgufTensorInfo tensorInfo(int index, int alignment) {
        long at = c.position();
        String name = c.string("tensor #" + index + " name");
        String field = "tensor '" + name + "'";
        long dimsAt = c.position();
        int nDims = c.u32(field + " n_dims");
        if (nDims < 0 || nDims > GgufFile.MAX_DIMS) {
            throw c.error(field + " n_dims", dimsAt, "n_dims " + Integer.toUnsignedString(nDims) + " is not in 0.." + GgufFile.MAX_DIMS);
        }
        // n_dims = 0 is a scalar in ggml: one element, stored as shape {1}.
        long[] ne = nDims == 0 ? new long[] {1} : new long[nDims];
        for (int d = 0; d < nDims; d++) {
            String dim = field + " ne[" + d + "]";
            long neAt = c.position();
            ne[d] = c.u64(dim);
            if (ne[d] < 0) throw c.error(dim, neAt, "dimension " + Long.toUnsignedString(ne[d]) + " is beyond int64");
        }
        long typeAt = c.position();
        int typeId = c.u32(field + " type");
        GgmlType type = GgmlType.byId(typeId);
        if (type == null) throw c.error(field + " type", typeAt, "unknown ggml type id " + Integer.toUnsignedString(typeId));
        if (ne[0] % type.blockSize != 0) {
            throw c.error(field + " ne[0]", dimsAt + 4, "row length " + ne[0] + " is not a multiple of the "
                    + type + " block size " + type.blockSize);
        }
        long bytes = GgufTensorInfo.byteSize(type, ne);
        if (bytes < 0) throw c.error(field + " ne", dimsAt + 4, "shape " + Arrays.toString(ne) + " overflows int64");
        long offAt = c.position();
        long offset = c.u64(field + " offset");
        if (offset < 0) throw c.error(field + " offset", offAt, "offset " + Long.toUnsignedString(offset) + " is beyond int64");
        if (offset % alignment != 0) {
            throw c.error(field + " offset", offAt, "offset " + offset + " is not a multiple of the alignment " + alignment);
        }
        return new GgufTensorInfo(name, type, ne, offset, bytes, at);
    }

    /** Every tensor's bytes must lie inside the file and overlap no other tensor's. */
    private void checkPlacement(List<GgufTensorInfo> tensors, long dataOffset) {
        long dataSize = c.size() - dataOffset;
        List<GgufTensorInfo> byOffset = new ArrayList<>(tensors);
        byOffset.sort(Comparator.comparingLong(GgufTensorInfo::offset));
        GgufTensorInfo previous = null;
        for (GgufTensorInfo t : byOffset) {
            String field = "tensor '" + t.name() + "' (table entry at byte " + t.infoOffset() + ")";
            if (t.byteSize() > dataSize || t.offset() > dataSize - t.byteSize()) {
                // offset + dataOffset may overflow here, so the message keeps them apart.
                throw new GgufFormatException(field + ": its " + t.byteSize() + " bytes of data at offset "
                        + t.offset() + " of the data section (which starts at byte " + dataOffset
                        + ") run past the end of the file (" + c.size() + " bytes; truncated file?)");
            }
            if (t.byteSize() == 0) continue;
            if (previous != null && t.offset() < previous.offset() + previous.byteSize()) {
                throw new GgufFormatException(field + ": its data at byte " + (dataOffset + t.offset())
                        + " overlaps tensor '" + previous.name() + "', which ends at byte "
                        + (dataOffset + previous.offset() + previous.byteSize()));
            }
            previous = t;
        }
    }

    private static String printable(int magic) {
        StringBuilder sb = new StringBuilder("'");
        for (int i = 0; i < 4; i++) {
            int b = (magic >>> (8 * i)) & 0xff;
            sb.append(b >= 0x20 && b < 0x7f ? String.valueOf((char) b) : String.format("\\x%02x", b));
        }
        return sb.append('\'').toString();
    }
}
