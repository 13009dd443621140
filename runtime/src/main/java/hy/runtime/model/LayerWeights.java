package hy.runtime.model;

import hy.runtime.backend.MoeWeights;
import hy.runtime.backend.Weight;

/** One transformer block's weights, as prepared by a backend. Shapes in ggml order for the real model. */
public record LayerWeights(
        Weight attnNorm,    // {4096}
        Weight wq,          // {4096, 4096}
        Weight wk,          // {4096, 1024}
        Weight wv,          // {4096, 1024}
        Weight wo,          // {4096, 4096}
        Weight qNorm,       // {128}
        Weight kNorm,       // {128}
        Weight ffnNorm,     // {4096}
        MoeWeights ffn) {}  // router {4096, 64}; experts {4096, 3072, 64} ×2 and {3072, 4096, 64}; shared {4096, 3072} ×2, {3072, 4096}
