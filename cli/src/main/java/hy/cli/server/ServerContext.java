package hy.cli.server;

import hy.cli.server.engine.SlotScheduler;
import hy.runtime.engine.LoadedModel;
import hy.runtime.tokenizer.Tokenizer;

/** What the endpoints share: the model, the settings and the scheduler. */
record ServerContext(LoadedModel model, ServerConfig config, SlotScheduler scheduler) {

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
