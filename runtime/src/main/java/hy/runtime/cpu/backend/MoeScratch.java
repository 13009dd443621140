package hy.runtime.cpu.backend;

import hy.runtime.cpu.QuantizedActivations;
import java.util.ArrayList;
import java.util.List;

/**
 * The MoE layer's working memory, kept by the backend from call to call: a prompt batch through one layer would
 * otherwise allocate some 350 MB at the A13B shape (gate, up and down outputs of every group, their quantized
 * inputs), and the garbage collector's copying of such arrays while they are still live stalled prompts for
 * hundreds of milliseconds. Arrays grow to the largest call seen and are reused; one MoE runs at a time per backend.
 */
final class MoeScratch {
    private float[] gate = new float[0], up = new float[0], down = new float[0];
    private final List<QuantizedActivations> inputs = new ArrayList<>();
    private final List<QuantizedActivations> hidden = new ArrayList<>();

    /** Gate outputs for {@code size} floats in all (the groups' rows laid one after another). */
    float[] gate(int size) {
        if (gate.length < size) gate = new float[size];
        return gate;
    }

    float[] up(int size) {
        if (up.length < size) up = new float[size];
        return up;
    }

    float[] down(int size) {
        if (down.length < size) down = new float[size];
        return down;
    }

    /** The quantized-input holder of group {@code i}, with room for {@code tokens} rows of {@code width}. */
    QuantizedActivations input(int i, int width, int tokens) {
        return holder(inputs, i, width, tokens);
    }

    /** The holder of group {@code i}'s SiLU(gate)·up rows (the down projection's input). */
    QuantizedActivations hidden(int i, int width, int tokens) {
        return holder(hidden, i, width, tokens);
    }

    private static QuantizedActivations holder(List<QuantizedActivations> list, int i, int width, int tokens) {
        while (list.size() <= i) list.add(null);
        QuantizedActivations q = list.get(i);
        if (q == null || q.length() != width || q.maxTokens() < tokens) {
            // Half again as much room as asked: an expert's share of the batch varies from call to call, and each
            // regrowth would be garbage to collect.
            q = new QuantizedActivations(width, tokens + tokens / 2);
            list.set(i, q);
        }
        return q;
    }
}
