package hy.cli.server;

import hy.cli.server.engine.GenerationEngine;
import hy.runtime.engine.LoadedModel;
import hy.runtime.tokenizer.Tokenizer;

/** What the endpoints share: the model, the settings and the engine. */
record ServerContext(LoadedModel model, ServerConfig config, GenerationEngine engine) {

    /** The tokenizer; text endpoints answer 400 for an ids-only model. */
    Tokenizer tokenizer() {
        Tokenizer t = model.tokenizer();
        if (t == null) {
            throw ApiException.badRequest("this model has no tokenizer (an ids-only GGUF); send token ids to /completion instead of text");
        }
        return t;
    }

    int vocabSize() {
        return model.config().vocabSize();
    }
}
