package hy.runtime.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes small safetensors files for tests (sharded or fused copies of reference checkpoints, hostile variants).
 * Tensors are given as floats and stored as F32, F16 or BF16 (BF16 by truncation: tests pass values that fit).
 */
public final class SafetensorsWriter {
    private record Entry(String dtype, long[] shape, byte[] bytes) {}

    private final Map<String, Entry> tensors = new LinkedHashMap<>();

    public SafetensorsWriter add(String name, String dtype, long[] shape, float[] values) {
        long n = 1;
        for (long d : shape) n *= d;
        if (n != values.length) throw new IllegalArgumentException(name + ": " + values.length + " values for shape of " + n);
        int size = dtype.equals("F32") ? 4 : 2;
        ByteBuffer b = ByteBuffer.allocate(values.length * size).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            switch (dtype) {
                case "F32" -> b.putFloat(v);
                case "F16" -> b.putShort(Float.floatToFloat16(v));
                case "BF16" -> b.putShort((short) (Float.floatToRawIntBits(v) >>> 16));
                default -> throw new IllegalArgumentException(dtype);
            }
        }
        return addRaw(name, dtype, shape, b.array());
    }

    /** A tensor with raw bytes and any dtype name (for hostile headers). */
    public SafetensorsWriter addRaw(String name, String dtype, long[] shape, byte[] bytes) {
        tensors.put(name, new Entry(dtype, shape.clone(), bytes));
        return this;
    }

    public void write(Path file) throws IOException {
        ObjectNode header = new ObjectMapper().createObjectNode();
        header.putObject("__metadata__").put("format", "pt");
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (Map.Entry<String, Entry> e : tensors.entrySet()) {
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", e.getValue().dtype());
            ArrayNode shape = t.putArray("shape");
            for (long d : e.getValue().shape()) shape.add(d);
            ArrayNode offsets = t.putArray("data_offsets");
            offsets.add(data.size());
            data.write(e.getValue().bytes());
            offsets.add(data.size());
        }
        writeRaw(file, header.toString(), data.toByteArray());
    }

    /** Writes a file with the given header text (length prefix computed) followed by {@code data}. */
    public static void writeRaw(Path file, String headerJson, byte[] data) throws IOException {
        byte[] h = headerJson.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        Files.write(file, b.array());
    }
}
