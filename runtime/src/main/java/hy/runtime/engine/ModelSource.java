package hy.runtime.engine;

import hy.runtime.convert.ProgressListener;
import hy.runtime.convert.SyntheticModel;
import hy.runtime.convert.SyntheticTensors;
import hy.runtime.convert.SyntheticVocabulary;
import hy.runtime.convert.TypePlan;
import hy.runtime.gguf.GgufFile;
import hy.runtime.model.HunyuanConfig;
import hy.runtime.tensor.GgmlType;
import hy.runtime.tensor.Tensor;
import hy.runtime.tokenizer.Tokenizer;
import hy.runtime.tokenizer.TokenizerGguf;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a model's weights come from, before any backend touches them: a mapped GGUF file, the embedded tiny model,
 * or random weights built in memory. Placement is planned from this (shape, tensor names and sizes), then
 * {@link LoadedModel#load} prepares each tensor on its backend.
 */
public final class ModelSource implements AutoCloseable {
    /** The model {@code hy run} uses without -m: tiny, random, deterministic, with a byte-level vocabulary. */
    public static final HunyuanConfig EMBEDDED = new HunyuanConfig(SyntheticVocabulary.MIN_SIZE, 64, 2, 4, 2, 16, 8, 2, 32, 32,
            1e-5f, HunyuanConfig.ropeBase(10000, 1000, 16), 4096);
    private static final long EMBEDDED_SEED = 20260101L;

    private final GgufFile file;
    private final SyntheticTensors synthetic;
    private final Path tempFile;
    private final HunyuanConfig config;
    private final String description;
    private final boolean randomWeights;

    private ModelSource(GgufFile file, SyntheticTensors synthetic, Path tempFile, HunyuanConfig config, String description,
            boolean randomWeights) {
        this.file = file;
        this.synthetic = synthetic;
        this.tempFile = tempFile;
        this.config = config;
        this.description = description;
        this.randomWeights = randomWeights;
    }

    public static ModelSource open(Path path) throws IOException {
        GgufFile f = GgufFile.open(path);
        try {
            return ofFile(f, null);
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
    }

    /** The embedded tiny model, written to a temporary file that is deleted on close. */
    public static ModelSource embedded() {
        Path tmp = null;
        try {
            tmp = Files.createTempFile("hy-embedded-", ".gguf");
            SyntheticModel.write(tmp, EMBEDDED, TypePlan.of(GgmlType.F32), EMBEDDED_SEED,
                    SyntheticModel.Options.defaults(EMBEDDED).withThreads(1));
            return ofFile(GgufFile.open(tmp), tmp);
        } catch (IOException | RuntimeException e) {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // nothing more to do
                }
            }
            if (e instanceof IOException io) throw new UncheckedIOException("could not build the embedded model: " + io.getMessage(), io);
            throw (RuntimeException) e;
        }
    }

    /** Random weights of any shape built in memory (no file, no tokenizer): {@code hy bench --synthetic}. */
    public static ModelSource synthetic(HunyuanConfig cfg, TypePlan types, long seed, int threads, ProgressListener progress) {
        return new ModelSource(null, new SyntheticTensors(cfg, types, seed, threads, progress), null, cfg,
                "synthetic (random weights)", true);
    }

    private static ModelSource ofFile(GgufFile f, Path tmp) {
        HunyuanConfig cfg = HunyuanConfig.fromGguf(f);
        boolean random = tmp != null || f.getString("general.description", "").startsWith("random weights");
        String name = tmp != null ? "embedded tiny model" : f.getString("general.name", f.label());
        return new ModelSource(f, null, tmp, cfg, name, random);
    }

    public HunyuanConfig config() {
        return config;
    }

    /** The mapped file, or null for a synthetic in-memory model. */
    public GgufFile file() {
        return file;
    }

    public boolean isEmbedded() {
        return tempFile != null;
    }

    /** The named tensor, or null. */
    public Tensor tensor(String name) {
        return synthetic != null ? synthetic.get(name) : file.tensorOrNull(name);
    }

    /** Every tensor (views; nothing is copied). */
    public List<Tensor> tensors() {
        if (synthetic != null) return List.copyOf(synthetic.all().values());
        return file.tensorInfos().stream().map(file::view).toList();
    }

    public String description() {
        return description;
    }

    /** True for synthetic models (hy synth, the embedded model): their output is noise. */
    public boolean randomWeights() {
        return randomWeights;
    }

    /** The tokenizer, or null when there is none (ids-only models, synthetic in-memory models). */
    public Tokenizer readTokenizer() {
        return file != null && file.has(TokenizerGguf.TOKENS) ? TokenizerGguf.read(file) : null;
    }

    public String chatTemplate() {
        return file != null && file.has(TokenizerGguf.CHAT_TEMPLATE) ? TokenizerGguf.chatTemplate(file) : null;
    }

    @Override
    public void close() {
        if (file != null) file.close();
        if (synthetic != null) synthetic.close();
        if (tempFile != null) {
            try {
                Files.deleteIfExists(tempFile);
            } catch (IOException ignored) {
                // a leftover temp file is harmless
            }
        }
    }
}
