package hy.runtime.convert;

import hy.runtime.gguf.GgufValue;
import hy.runtime.gguf.GgufWriter;
import hy.runtime.model.HunyuanConfig;
import hy.runtime.tokenizer.HunyuanSpecialTokens;
import hy.runtime.tokenizer.TokenizerGguf;
import hy.runtime.tokenizer.Vocabulary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes hunyuan-moe GGUFs with random weights, of any shape and type mix: for tests (tiny models in a temp dir),
 * speed measurements at the real shape without the 45 GB download, and demos. The bytes are a pure function of
 * (shape, types, seed, vocabulary): rows are generated and encoded on all cores straight into the mapped output.
 * Weights have unit expected row norm (uniform, std 1/√fan_in) and norms sit near 1, so activations stay in a sane
 * range through all layers.
 */
public final class SyntheticModel {
    private SyntheticModel() {}

    /**
     * @param threads encoder threads
     * @param vocabulary the tokenizer to store, or null for an ids-only model (no tokenizer.* keys)
     * @param name general.name
     */
    public record Options(int threads, Vocabulary vocabulary, String name, ProgressListener progress) {
        /** All cores, the byte-level vocabulary when the vocabulary size fits it (else ids-only), no progress. */
        public static Options defaults(HunyuanConfig c) {
            Vocabulary v = c.vocabSize() >= SyntheticVocabulary.MIN_SIZE ? SyntheticVocabulary.bytes(c.vocabSize()) : null;
            return new Options(Runtime.getRuntime().availableProcessors(), v, "synthetic", ProgressListener.NONE);
        }

        public Options withThreads(int n) {
            return new Options(n, vocabulary, name, progress);
        }

        public Options withVocabulary(Vocabulary v) {
            return new Options(threads, v, name, progress);
        }

        public Options withProgress(ProgressListener p) {
            return new Options(threads, vocabulary, name, p);
        }
    }

    /**
     * The random rows of tensor number {@code index} of {@link HunyuanTensors#of} (for building weights in memory, e.g.
     * with {@link ParallelEncoder#encode} into an allocated segment); the same values {@link #write} stores.
     */
    public static RowSource rows(long seed, int index, ModelTensor tensor) {
        return SyntheticRows.forTensor(seed, index, tensor);
    }

    /** The tensors, their types and sizes, without writing anything. */
    public static TensorPlan plan(HunyuanConfig c, TypePlan types) {
        return TensorPlan.of(types, HunyuanTensors.of(c));
    }

    /** Writes with {@link Options#defaults}. */
    public static TensorPlan write(Path out, HunyuanConfig c, TypePlan types, long seed) throws IOException {
        return write(out, c, types, seed, Options.defaults(c));
    }

    public static TensorPlan write(Path out, HunyuanConfig c, TypePlan types, long seed, Options o) throws IOException {
        if (o.vocabulary() != null && o.vocabulary().size() != c.vocabSize()) {
            throw new IllegalArgumentException("the vocabulary has " + o.vocabulary().size() + " tokens but the model's vocab_size is " + c.vocabSize());
        }
        TensorPlan plan = plan(c, types);
        GgufWriter w = new GgufWriter();
        ModelMetadata.write(w, c, o.name(), plan);
        w.put("general.description", GgufValue.string("random weights, hy synth seed " + seed));
        if (o.vocabulary() != null) {
            TokenizerGguf.write(w, o.vocabulary(), HunyuanSpecialTokens.roles(o.vocabulary()), null);
        }
        List<TensorPlan.Entry> entries = plan.entries();
        try (ParallelEncoder enc = new ParallelEncoder(o.threads(), plan.totalBytes(), o.progress())) {
            for (int i = 0; i < entries.size(); i++) {
                TensorPlan.Entry e = entries.get(i);
                ModelTensor t = e.tensor();
                w.addTensor(t.name(), e.type(), t.ne(), enc.encode(t.name(), rows(seed, i, t), e.type()));
            }
            w.write(out);
        }
        return plan;
    }
}
