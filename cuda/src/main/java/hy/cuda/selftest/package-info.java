/**
 * GPU checks and timings: every op against the CPU backend ({@link hy.cuda.selftest.OpChecks}), whole models
 * ({@link hy.cuda.selftest.TinyModelCheck}), A13B-shape timings ({@link hy.cuda.selftest.Benchmarks}), and the
 * command-line entry point {@link hy.cuda.selftest.GpuSelfTest} (scripts/gpu-selftest) for machines without Maven.
 */
package hy.cuda.selftest;
