package hy.runtime.engine;

import hy.runtime.backend.Backend;
import hy.runtime.gguf.GgufFile;
import hy.runtime.model.HunyuanConfig;
import hy.runtime.model.HunyuanModel;
import hy.runtime.model.ModelWeights;
import hy.runtime.tensor.GgmlType;
import hy.runtime.tensor.Tensor;
import hy.runtime.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * A model ready to run: its {@link ModelSource}, tokenizer (null for ids-only models) and chat template, and the
 * forward pass on the chosen backend(s). Closing it closes the model's recorded steps, the backends and the source.
 */
public final class LoadedModel implements AutoCloseable {
    /** The embedded model's shape (see {@link ModelSource#EMBEDDED}). */
    public static final HunyuanConfig EMBEDDED = ModelSource.EMBEDDED;

    private final ModelSource source;
    private final HunyuanModel model;
    private final Tokenizer tokenizer;
    private final String chatTemplate;

    private LoadedModel(ModelSource source, HunyuanModel model) {
        this.source = source;
        this.model = model;
        this.tokenizer = source.readTokenizer();
        this.chatTemplate = source.chatTemplate();
    }

    /**
     * Prepares every tensor of {@code source} on {@code backendFor(tensor name)} and builds the forward pass on
     * {@code runner}. On failure the source stays open (the caller owns it until this returns).
     */
    public static LoadedModel load(ModelSource source, Function<String, Backend> backendFor, Backend runner, int maxBatch) {
        ModelWeights w = ModelWeights.load(source.config(), source::tensor, backendFor);
        return new LoadedModel(source, new HunyuanModel(source.config(), runner, w, maxBatch));
    }

    /** Opens {@code path} and loads it on one backend. */
    public static LoadedModel open(Path path, Backend backend, int maxBatch) throws IOException {
        ModelSource s = ModelSource.open(path);
        try {
            return load(s, name -> backend, backend, maxBatch);
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** The embedded tiny model on one backend. */
    public static LoadedModel embedded(Backend backend, int maxBatch) {
        ModelSource s = ModelSource.embedded();
        try {
            return load(s, name -> backend, backend, maxBatch);
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    public ModelSource source() {
        return source;
    }

    /** The mapped file, or null for a synthetic in-memory model. */
    public GgufFile file() {
        return source.file();
    }

    /** Every weight tensor's type and bytes (for bench labels). */
    public List<Tensor> tensors() {
        return source.tensors();
    }

    public HunyuanConfig config() {
        return model.config();
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
            throw new IllegalStateException(source.description() + " has no tokenizer (an ids-only model); pass token ids instead of text");
        }
        return tokenizer;
    }

    public String chatTemplate() {
        return chatTemplate;
    }

    public String description() {
        return source.description();
    }

    /** True for synthetic models (hy synth, the embedded model): their output is noise. */
    public boolean randomWeights() {
        return source.randomWeights();
    }

    public Session newSession(int contextLength, GgmlType kType, GgmlType vType) {
        return new Session(model, contextLength, kType, vType);
    }

    @Override
    public void close() {
        model.dropStepGraphs();
        model.backend().close();
        source.close();
    }
}
