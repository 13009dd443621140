package hy.cli;

import hy.runtime.sampling.SamplerConfig;
import picocli.CommandLine.Option;

/** llama.cpp's sampling flags; unset flags take Hunyuan's generation_config defaults. */
final class SamplingOptions {
    private static final SamplerConfig D = SamplerConfig.HUNYUAN_DEFAULTS;

    @Option(names = "--temp", paramLabel = "T", description = "temperature; 0 = greedy (default: ${DEFAULT-VALUE})")
    float temperature = D.temperature();

    @Option(names = "--top-k", paramLabel = "N", description = "top-k sampling, 0 = off (default: ${DEFAULT-VALUE})")
    int topK = D.topK();

    @Option(names = "--top-p", paramLabel = "P", description = "top-p (nucleus) sampling, 1 = off (default: ${DEFAULT-VALUE})")
    float topP = D.topP();

    @Option(names = "--min-p", paramLabel = "P", description = "min-p sampling, 0 = off (default: ${DEFAULT-VALUE})")
    float minP = D.minP();

    @Option(names = "--repeat-penalty", paramLabel = "X", description = "penalty for recently seen tokens, 1 = off (default: ${DEFAULT-VALUE})")
    float repeatPenalty = D.repeatPenalty();

    @Option(names = "--repeat-last-n", paramLabel = "N", description = "tokens the penalty looks back over, -1 = whole context (default: ${DEFAULT-VALUE})")
    int repeatLastN = D.repeatLastN();

    @Option(names = {"-s", "--seed"}, paramLabel = "SEED", description = "RNG seed, -1 = random (default: ${DEFAULT-VALUE})")
    long seed = -1;

    SamplerConfig config() {
        return new SamplerConfig(temperature, topK, topP, minP, repeatPenalty, repeatLastN, seed);
    }
}
