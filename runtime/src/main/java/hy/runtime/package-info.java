/** The CPU-side runtime: GGUF, quant formats, tokenizer, model, kernels. */
package hy.runtime;
