/**
 * Hunyuan's tokenizer: tiktoken-style byte-level BPE ({@link hy.runtime.tokenizer.Tokenizer}) loaded from the
 * official {@code hy.tiktoken} ({@link hy.runtime.tokenizer.TiktokenFile}) or from a GGUF's {@code tokenizer.ggml.*}
 * keys ({@link hy.runtime.tokenizer.TokenizerGguf}, which also writes them), with a streaming decoder that never splits
 * a UTF-8 character ({@link hy.runtime.tokenizer.StreamingDecoder}).
 */
package hy.runtime.tokenizer;
