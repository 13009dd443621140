package hy.runtime.convert;

import hy.runtime.gguf.GgufValue;
import hy.runtime.gguf.GgufWriter;
import hy.runtime.model.HunyuanConfig;
import hy.runtime.safetensors.SafetensorsCheckpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Map;

/**
 * Converts an official Hunyuan-A13B Hugging Face directory (config.json + safetensors, single or sharded) into a
 * hunyuan-moe GGUF that llama.cpp and hy load: llama.cpp's tensor names, shapes and metadata, each tensor typed by
 * a {@link TypePlan}, plus the tokenizer when the directory has hy.tiktoken ({@link HfTokenizer}; without it the
 * file is ids-only: no tokenizer.* keys). Tensors stream one at a time from the mapped checkpoint through a {@link ParallelEncoder}
 * into the mapped output, which appears only when complete.
 */
public final class HfToGguf {
    private HfToGguf() {}

    /**
     * @param types how to type each tensor (e.g. {@code TypePlan.of(GgmlType.BF16)})
     * @param threads encoder threads
     * @param name general.name; null uses the directory's name
     */
    public record Options(TypePlan types, int threads, String name) {
        public static Options of(TypePlan types) {
            return new Options(types, Runtime.getRuntime().availableProcessors(), null);
        }
    }

    /** What was written. */
    public record Result(HfConfig config, TensorPlan plan, boolean hasVocabulary) {}

    public static Result convert(Path hfDir, Path out, Options options, ProgressListener progress) throws IOException {
        HfConfig hf = HfConfig.read(hfDir);
        HunyuanConfig c = hf.config();
        try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(hfDir)) {
            Map<ModelTensor, RowSource> sources = HfTensorMapping.map(hf, ckpt);
            TensorPlan plan = TensorPlan.of(options.types(), new ArrayList<>(sources.keySet()));
            GgufWriter w = new GgufWriter();
            String name = options.name() != null ? options.name() : String.valueOf(hfDir.toAbsolutePath().normalize().getFileName());
            ModelMetadata.write(w, c, name, plan);
            writeRopeScaling(w, hf);
            w.put(HunyuanConfig.ARCH + ".expert_shared_count", GgufValue.u32(hf.sharedExperts()));
            boolean vocabulary = HfTokenizer.write(hfDir, c.vocabSize(), w);
            try (ParallelEncoder enc = new ParallelEncoder(options.threads(), plan.totalBytes(), progress)) {
                for (TensorPlan.Entry e : plan.entries()) {
                    ModelTensor t = e.tensor();
                    w.addTensor(t.name(), e.type(), t.ne(), enc.encode(t.name(), sources.get(t), e.type()));
                }
                w.write(out);
            }
            return new Result(hf, plan, vocabulary);
        }
    }

    /** llama.cpp writes these for alpha-scaled RoPE: the alpha is folded into freq_base, no further scaling. */
    private static void writeRopeScaling(GgufWriter w, HfConfig hf) {
        if (!hf.dynamicRope()) return;
        w.put(HunyuanConfig.ARCH + ".rope.scaling.factor", GgufValue.f32(1.0f));
        w.put(HunyuanConfig.ARCH + ".rope.scaling.original_context_length", GgufValue.u32(HfConfig.DYNAMIC_ROPE_CONTEXT));
    }
}
