package hy.runtime.tokenizer;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The ids with a role in prompting and generation. An id of −1 means "none".
 *
 * @param bos              begin-of-sequence (Hunyuan: {@code <|bos|>} 127959; prepended only when {@code addBos})
 * @param eos              end-of-sequence, ends an assistant turn ({@code <|eos|>} 127960)
 * @param eot              end-of-text ({@code <|endoftext|>} 127957, found by name as llama.cpp does)
 * @param padding          padding ({@code <|pad|>} 127961)
 * @param separator        separator ({@code <|extra_0|>} 127962; GGUF key spelled "seperator")
 * @param addBos           whether prompts start with {@code bos} (GGUF {@code tokenizer.ggml.add_bos_token}; absent
 *                         means false, which is the case for Hunyuan)
 * @param endOfGeneration  llama.cpp's end-of-generation set: eos and eot
 * @param stop             ids that end generation by default: {@code endOfGeneration} plus the extra stop id of
 *                         Hunyuan's generation_config.json ({@code <|extra_5|>} 127967), which llama.cpp ignores
 */
public record SpecialTokens(int bos, int eos, int eot, int padding, int separator, boolean addBos,
                            Set<Integer> endOfGeneration, Set<Integer> stop) {

    /** The token generation_config.json lists as a second eos ("eod_token_id" in config.json). */
    public static final String EXTRA_STOP_TEXT = "<|extra_5|>";
    /** Found by name when no explicit eot id is stored, as llama.cpp does. */
    public static final String EOT_TEXT = "<|endoftext|>";

    public SpecialTokens {
        endOfGeneration = Set.copyOf(endOfGeneration);
        stop = Set.copyOf(stop);
    }

    /**
     * Completes the record from the ids a file stores: eot is looked up by name when {@code eot} is −1, and the
     * end-of-generation and stop sets are derived.
     */
    public static SpecialTokens of(Vocabulary vocab, int bos, int eos, int eot, int padding, int separator, boolean addBos) {
        int endOfText = eot >= 0 ? eot : vocab.specialId(EOT_TEXT);
        Set<Integer> eog = new LinkedHashSet<>();
        if (eos >= 0) eog.add(eos);
        if (endOfText >= 0) eog.add(endOfText);
        Set<Integer> stops = new LinkedHashSet<>(eog);
        int extra = vocab.specialId(EXTRA_STOP_TEXT);
        if (extra >= 0) stops.add(extra);
        return new SpecialTokens(bos, eos, endOfText, padding, separator, addBos, eog, stops);
    }

    public boolean isEndOfGeneration(int id) {
        return endOfGeneration.contains(id);
    }

    public boolean isStop(int id) {
        return stop.contains(id);
    }
}
