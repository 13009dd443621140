package hy.runtime.sampling;

/**
 * The sampling chain's settings, llama.cpp's names and meanings. Defaults are Hunyuan's generation_config.json
 * (temperature 0.7, top-k 20, top-p 0.8, repetition penalty 1.05) with llama.cpp's min-p 0.05 off (0) and
 * repeat-last-n 64.
 *
 * @param temperature  ≤ 0 means greedy (argmax)
 * @param topK         0 disables
 * @param topP         1 disables
 * @param minP         0 disables
 * @param repeatPenalty 1 disables; llama.cpp's rule: positive logits divided, negative multiplied
 * @param repeatLastN  how many recent tokens the penalty looks at (0 disables, -1 = whole context)
 * @param seed         RNG seed (-1: random)
 */
public record SamplerConfig(float temperature, int topK, float topP, float minP, float repeatPenalty, int repeatLastN,
        long seed) {

    public static final SamplerConfig HUNYUAN_DEFAULTS = new SamplerConfig(0.7f, 20, 0.8f, 0f, 1.05f, 64, -1);
    public static final SamplerConfig GREEDY = new SamplerConfig(0f, 0, 1f, 0f, 1f, 0, 0);

    public SamplerConfig {
        if (Float.isNaN(temperature)) throw new IllegalArgumentException("--temp must be a number");
        if (topK < 0) throw new IllegalArgumentException("--top-k must be >= 0, got " + topK);
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("--top-p must be in (0, 1], got " + topP);
        if (!(minP >= 0 && minP <= 1)) throw new IllegalArgumentException("--min-p must be in [0, 1], got " + minP);
        if (!(repeatPenalty > 0)) throw new IllegalArgumentException("--repeat-penalty must be > 0, got " + repeatPenalty);
        if (repeatLastN < -1) throw new IllegalArgumentException("--repeat-last-n must be >= -1, got " + repeatLastN);
    }

    public boolean greedy() {
        return temperature <= 0;
    }

    public SamplerConfig withSeed(long s) {
        return new SamplerConfig(temperature, topK, topP, minP, repeatPenalty, repeatLastN, s);
    }

    public SamplerConfig withTemperature(float t) {
        return new SamplerConfig(t, topK, topP, minP, repeatPenalty, repeatLastN, seed);
    }
}
