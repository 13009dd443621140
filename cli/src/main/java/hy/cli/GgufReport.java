package hy.cli;

import hy.runtime.gguf.GgufFile;
import hy.runtime.gguf.GgufTensorInfo;
import hy.runtime.gguf.GgufValue;
import hy.runtime.tensor.GgmlType;
import java.io.PrintWriter;
import java.util.EnumMap;
import java.util.Map;

/**
 * What {@code hy info FILE} prints: the container (version, size, alignment), every metadata key with its type and
 * value, the tensor table, and totals per tensor type.
 */
final class GgufReport {
    private GgufReport() {}

    static void print(GgufFile f, PrintWriter out) {
        out.println(f.label() + ": GGUF v" + f.version() + ", " + ByteSizes.human(f.fileSize()) + " ("
                + ByteSizes.grouped(f.fileSize()) + " bytes), alignment " + f.alignment() + ", data section at byte "
                + ByteSizes.grouped(f.dataOffset()));
        out.println();
        metadata(f, out);
        out.println();
        tensors(f, out);
        out.println();
        summary(f, out);
    }

    private static void metadata(GgufFile f, PrintWriter out) {
        out.println("metadata: " + f.metadata().size() + (f.metadata().size() == 1 ? " key" : " keys"));
        int typeWidth = 0;
        for (GgufValue v : f.metadata().values()) typeWidth = Math.max(typeWidth, MetadataFormat.typeLabel(v).length());
        for (Map.Entry<String, GgufValue> e : f.metadata().entrySet()) {
            String type = MetadataFormat.typeLabel(e.getValue());
            out.println("  " + type + " ".repeat(typeWidth - type.length()) + "  " + e.getKey() + " = "
                    + MetadataFormat.value(e.getValue()));
        }
    }

    private static void tensors(GgufFile f, PrintWriter out) {
        out.println("tensors: " + f.tensorInfos().size());
        if (f.tensorInfos().isEmpty()) return;
        TextTable t = new TextTable(">#", "name", "type", "shape", ">bytes", ">offset");
        int i = 0;
        for (GgufTensorInfo info : f.tensorInfos()) {
            t.row(i++, info.name(), info.type(), shape(info.ne()), info.byteSize(), info.offset());
        }
        t.print(out, "  ", true);
    }

    /** ggml order, innermost first: "4096 x 3072 x 64". */
    static String shape(long[] ne) {
        StringBuilder sb = new StringBuilder();
        for (int d = 0; d < ne.length; d++) sb.append(d > 0 ? " x " : "").append(ne[d]);
        return sb.toString();
    }

    private record TypeTotal(int tensors, long bytes) {}

    private static void summary(GgufFile f, PrintWriter out) {
        Map<GgmlType, TypeTotal> byType = new EnumMap<>(GgmlType.class);
        long params = 0;
        long bytes = 0;
        for (GgufTensorInfo info : f.tensorInfos()) {
            params += info.elementCount();
            bytes += info.byteSize();
            byType.merge(info.type(), new TypeTotal(1, info.byteSize()),
                    (a, b) -> new TypeTotal(a.tensors() + b.tensors(), a.bytes() + b.bytes()));
        }
        int n = f.tensorInfos().size();
        out.println("summary: " + n + (n == 1 ? " tensor, " : " tensors, ") + ByteSizes.grouped(params)
                + " parameters, " + ByteSizes.human(bytes) + " (" + ByteSizes.grouped(bytes) + " bytes) of tensor data");
        TextTable t = new TextTable("type", ">tensors", ">bytes", ">size");
        byType.forEach((type, total) -> t.row(type, total.tensors(), total.bytes(), ByteSizes.human(total.bytes())));
        if (!byType.isEmpty()) t.print(out, "  ", true);
    }
}
