package hy.runtime.engine;

import hy.runtime.backend.Backend;
import hy.runtime.convert.ProgressListener;
import hy.runtime.convert.SyntheticModel;
import hy.runtime.convert.SyntheticTensors;
import hy.runtime.convert.SyntheticVocabulary;
import hy.runtime.convert.TypePlan;
import hy.runtime.gguf.GgufFile;
import hy.runtime.model.HunyuanConfig;
import hy.runtime.model.HunyuanModel;
import hy.runtime.model.ModelWeights;
import hy.runtime.tensor.GgmlType;
import hy.runtime.tensor.Tensor;
import hy.runtime.tokenizer.Tokenizer;
import hy.runtime.tokenizer.TokenizerGguf;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * A model ready to run: the mapped GGUF, its configuration, tokenizer (null for ids-only models) and chat template,
 * and the forward pass on the chosen backend(s).
 */
public final class LoadedModel implements AutoCloseable {
    /** The model {@code hy run} uses without -m: tiny, random, deterministic, with a byte-level vocabulary. */
    public static final HunyuanConfig EMBEDDED = new HunyuanConfig(SyntheticVocabulary.MIN_SIZE, 64, 2, 4, 2, 16, 8, 2, 32, 32, 1e-5f,
            HunyuanConfig.ropeBase(10000, 1000, 16), 4096);
    private static final long EMBEDDED_SEED = 20260101L;

    private final GgufFile file;
    private final SyntheticTensors synthetic;
    private final Path tempFile;
    private final HunyuanConfig config;
    private final HunyuanModel model;
    private final Tokenizer tokenizer;
    private final String chatTemplate;
    private final String description;
    private final boolean randomWeights;

    private LoadedModel(GgufFile file, SyntheticTensors synthetic, Path tempFile, HunyuanModel model, Tokenizer tokenizer,
            String description, boolean randomWeights) {
        this.file = file;
        this.synthetic = synthetic;
        this.tempFile = tempFile;
        this.config = model.config();
        this.model = model;
        this.tokenizer = tokenizer;
        this.chatTemplate = file != null && file.has(TokenizerGguf.CHAT_TEMPLATE) ? TokenizerGguf.chatTemplate(file) : null;
        this.description = description;
        this.randomWeights = randomWeights;
    }

    /**
     * Opens {@code path}; every tensor is prepared by {@code backendFor(tensor name)} (a single backend, or the
     * placement plan's choice per tensor).
     */
    public static LoadedModel open(Path path, Function<String, Backend> backendFor, Backend runner, int maxBatch) throws IOException {
        GgufFile f = GgufFile.open(path);
        try {
            return of(f, null, backendFor, runner, maxBatch);
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
    }

    /** The embedded tiny model, written to a temporary file that is deleted on close. */
    public static LoadedModel embedded(Function<String, Backend> backendFor, Backend runner, int maxBatch) {
        try {
            Path tmp = Files.createTempFile("hy-embedded-", ".gguf");
            SyntheticModel.write(tmp, EMBEDDED, TypePlan.of(GgmlType.F32), EMBEDDED_SEED,
                    SyntheticModel.Options.defaults(EMBEDDED).withThreads(1));
            GgufFile f = GgufFile.open(tmp);
            return of(f, tmp, backendFor, runner, maxBatch);
        } catch (IOException e) {
            throw new UncheckedIOException("could not build the embedded model: " + e.getMessage(), e);
        }
    }

    /**
     * Random weights of any shape built in memory (no file, no tokenizer): {@code hy bench --synthetic}.
     */
    public static LoadedModel synthetic(HunyuanConfig cfg, TypePlan types, long seed, int threads, ProgressListener progress,
            Function<String, Backend> backendFor, Backend runner, int maxBatch) {
        SyntheticTensors t = new SyntheticTensors(cfg, types, seed, threads, progress);
        try {
            ModelWeights w = ModelWeights.load(cfg, t::get, backendFor);
            return new LoadedModel(null, t, null, new HunyuanModel(cfg, runner, w, maxBatch), null, "synthetic (random weights)", true);
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
    }

    private static LoadedModel of(GgufFile f, Path tmp, Function<String, Backend> backendFor, Backend runner, int maxBatch) {
        HunyuanConfig cfg = HunyuanConfig.fromGguf(f);
        Function<String, Tensor> tensors = f::tensorOrNull;
        ModelWeights w = ModelWeights.load(cfg, tensors, backendFor);
        HunyuanModel m = new HunyuanModel(cfg, runner, w, maxBatch);
        Tokenizer tok = f.has(TokenizerGguf.TOKENS) ? TokenizerGguf.read(f) : null;
        boolean random = tmp != null || f.getString("general.description", "").startsWith("random weights");
        String name = tmp != null ? "embedded tiny model" : f.getString("general.name", f.label());
        return new LoadedModel(f, null, tmp, m, tok, name, random);
    }

    /** The mapped file, or null for a synthetic in-memory model. */
    public GgufFile file() {
        return file;
    }

    /** Every weight tensor's type and bytes (for bench labels and plans). */
    public java.util.List<Tensor> tensors() {
        if (synthetic != null) return java.util.List.copyOf(synthetic.all().values());
        return file.tensorInfos().stream().map(file::view).toList();
    }

    public HunyuanConfig config() {
        return config;
    }

    public HunyuanModel model() {
        return model;
    }

    /** The tokenizer, or null when the file has none (drive it with token ids). */
    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public Tokenizer requireTokenizer() {
        if (tokenizer == null) {
            throw new IllegalStateException(description + " has no tokenizer (an ids-only model); pass token ids instead of text");
        }
        return tokenizer;
    }

    public String chatTemplate() {
        return chatTemplate;
    }

    public String description() {
        return description;
    }

    /** True for synthetic models (hy synth, the embedded model): their output is noise. */
    public boolean randomWeights() {
        return randomWeights;
    }

    public Session newSession(int contextLength, GgmlType kType, GgmlType vType) {
        return new Session(model, contextLength, kType, vType);
    }

    @Override
    public void close() {
        model.backend().close();
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
