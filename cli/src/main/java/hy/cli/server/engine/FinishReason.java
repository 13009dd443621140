package hy.cli.server.engine;

/** Why a generation ended. */
public enum FinishReason {
    /** The model produced an end-of-generation token. */
    END_OF_GENERATION,
    /** The output contained one of the request's stop strings. */
    STOP_STRING,
    /** The request's token limit was reached. */
    TOKEN_LIMIT,
    /** The slot's context is full. */
    CONTEXT_FULL;

    /** The OpenAI finish_reason: "stop" for a natural end, "length" for a cut-off one. */
    public String openAi() {
        return this == END_OF_GENERATION || this == STOP_STRING ? "stop" : "length";
    }
}
