package hy.runtime.convert;

import hy.runtime.gguf.GgufFile;
import hy.runtime.gguf.GgufTensorInfo;
import hy.runtime.gguf.GgufValue;
import hy.runtime.gguf.GgufWriter;
import hy.runtime.quant.QuantCodecs;
import hy.runtime.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Rewrites a GGUF with other tensor types ({@code hy quantize}): every tensor typed by a {@link TypePlan}, all
 * metadata copied (general.file_type and general.quantization_version updated), tensors in their original order.
 * A tensor whose type does not change is copied byte for byte; others are dequantized row by row and encoded again.
 */
public final class Requantizer {
    private Requantizer() {}

    /**
     * What was written.
     * @param requantized tensors re-encoded from data that was already quantized (their errors compound)
     */
    public record Result(TensorPlan plan, int requantized) {}

    public static Result run(Path in, Path out, TypePlan types, int threads, ProgressListener progress) throws IOException {
        try (GgufFile src = GgufFile.open(in)) {
            if (src.getLong("split.count", 1) > 1) {
                throw new IllegalArgumentException(in + " is one part of a split GGUF (split.count " + src.getLong("split.count")
                        + "); merge the parts first (llama-gguf-split --merge)");
            }
            List<ModelTensor> tensors = new ArrayList<>();
            for (GgufTensorInfo info : src.tensorInfos()) {
                tensors.add(new ModelTensor(info.name(), info.ne(), ModelTensor.Role.ofName(info.name(), info.ne())));
            }
            TensorPlan plan = TensorPlan.of(types, tensors);
            GgufWriter w = new GgufWriter().putAll(src.metadata());
            w.put("general.file_type", GgufValue.u32(plan.fileType()));
            w.put("general.quantization_version", GgufValue.u32(ModelMetadata.QUANTIZATION_VERSION));
            int requantized = 0;
            try (ParallelEncoder enc = new ParallelEncoder(threads, plan.totalBytes(), progress)) {
                for (TensorPlan.Entry e : plan.entries()) {
                    Tensor t = src.tensor(e.tensor().name());
                    if (t.type() == e.type()) {
                        w.addTensor(t.name(), t.type(), t.ne(), enc.copy(t.data()));
                        continue;
                    }
                    if (!QuantCodecs.supports(t.type())) {
                        throw new IllegalArgumentException(in + ": tensor " + t.name() + " is " + t.type() + ", which hy cannot decode,"
                                + " so it cannot become " + e.type() + " (only tensors kept in their type are copied)");
                    }
                    if (t.type().isQuantized()) requantized++;
                    w.addTensor(t.name(), e.type(), t.ne(), enc.encode(t.name(), RowSources.of(t), e.type()));
                }
                w.write(out);
            }
            return new Result(plan, requantized);
        }
    }
}
