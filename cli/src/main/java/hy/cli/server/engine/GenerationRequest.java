package hy.cli.server.engine;

import hy.runtime.sampling.SamplerConfig;
import java.util.List;
import java.util.Objects;

/**
 * One generation as the scheduler runs it: already tokenized, already validated.
 *
 * @param prompt    the prompt ids (non-empty, shorter than a slot's context)
 * @param sampling  the sampling chain for this request
 * @param maxTokens tokens to generate at most; -1 = until an end-of-generation token or the slot's context is full
 * @param stop      strings that end the generation; the text before the first match is the output
 * @param nProbs    how many top candidates (softmax of the raw logits) to report per generated token; 0 = none
 * @param ignoreEos keep generating past end-of-generation tokens
 */
public record GenerationRequest(int[] prompt, SamplerConfig sampling, int maxTokens, List<String> stop, int nProbs,
        boolean ignoreEos) {

    public GenerationRequest {
        Objects.requireNonNull(sampling, "sampling");
        if (prompt.length == 0) throw new IllegalArgumentException("empty prompt");
        if (maxTokens < -1) throw new IllegalArgumentException("maxTokens must be >= -1");
        if (nProbs < 0) throw new IllegalArgumentException("nProbs must be >= 0");
        prompt = prompt.clone();
        stop = List.copyOf(stop);
    }
}
