package hy.runtime.model;

/** Which positions of a batch need logits: none (prompt prefix), the last one (generation) or all (perplexity). */
public enum LogitsMode {
    NONE, LAST, ALL
}
