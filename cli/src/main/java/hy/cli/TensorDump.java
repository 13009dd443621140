package hy.cli;

import hy.runtime.gguf.GgufFile;
import hy.runtime.quant.QuantCodec;
import hy.runtime.quant.QuantCodecs;
import hy.runtime.tensor.Tensor;
import java.io.PrintWriter;

/**
 * {@code hy info FILE --dump NAME}: one tensor's weights as decimal floats, one row (ne[0] values) per line,
 * dequantized as the runtime sees them. {@link Float#toString} gives the shortest text that reads back to the same
 * float, so the output can be compared exactly with other tools.
 */
final class TensorDump {
    private TensorDump() {}

    static void print(GgufFile f, String name, PrintWriter out) {
        if (!f.hasTensor(name)) {
            throw new IllegalArgumentException(f.label() + " has no tensor named '" + name + "' (it has "
                    + f.tensorInfos().size() + "; 'hy info " + f.label() + "' lists them)");
        }
        Tensor t = f.tensor(name);
        if (!QuantCodecs.supports(t.type())) {
            throw new IllegalArgumentException("cannot dump tensor '" + name + "': this build has no decoder for type " + t.type());
        }
        if (t.ne(0) > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("cannot dump tensor '" + name + "': its rows of " + t.ne(0) + " values are too long");
        }
        QuantCodec codec = QuantCodecs.of(t.type(), name);
        float[] row = new float[t.rowLength()];
        StringBuilder line = new StringBuilder();
        for (long r = 0; r < t.rowCount(); r++) {
            codec.dequantize(t.data(), t.rowOffset(r), row, 0, row.length);
            line.setLength(0);
            for (int i = 0; i < row.length; i++) {
                if (i > 0) line.append(' ');
                line.append(row[i]);
            }
            out.println(line);
        }
    }
}
