package hy.cli.server.engine;

/** A candidate token and its probability (a plain softmax of the raw logits at that position). */
public record TokenProbability(int id, float probability) {}
