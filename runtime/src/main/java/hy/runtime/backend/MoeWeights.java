package hy.runtime.backend;

/**
 * One layer's FFN: the router ({hidden, experts}, F32), the routed experts stacked as ne[2], and the shared expert.
 */
public record MoeWeights(Weight router, Weight gateExps, Weight upExps, Weight downExps, Weight gateShared,
        Weight upShared, Weight downShared) {}
