package hy.cli;

import hy.runtime.engine.LoadedModel;
import hy.runtime.engine.Session;
import hy.runtime.sampling.Sampler;
import hy.runtime.tokenizer.StreamingDecoder;
import hy.runtime.tokenizer.Tokenizer;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * One prompt, completion mode as llama.cpp's: the prompt is raw text (special tokens allowed, BOS only where the
 * file asks for it), the answer streams to stdout, speeds go to stderr.
 */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Complete a prompt and stream the answer (without -m: the embedded tiny model).")
final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    PromptInput prompt;

    @Option(names = {"-n", "--n-predict"}, paramLabel = "N", description = "tokens to generate, -1 = until end of text or context (default: ${DEFAULT-VALUE})")
    int nPredict = -1;

    @Option(names = "--chat", description = "wrap the prompt in Hunyuan's chat template as one user turn")
    boolean chat;

    @Option(names = "--no-think", description = "with --chat: disable reasoning (enable_thinking=false)")
    boolean noThink;

    @Option(names = "--ignore-eos", description = "keep generating past end-of-text tokens")
    boolean ignoreEos;

    @Option(names = "--prompt-ids", paramLabel = "IDS", description = "prompt as token ids (\"1,2,3\"), for models without a tokenizer")
    String promptIds;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    SamplingOptions sampling;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        if (promptIds == null && !prompt.given() && modelOptions.model != null) {
            throw new IllegalArgumentException("no prompt: give -p TEXT, -f FILE or --prompt-ids");
        }
        try (LoadedModel m = ModelSetup.load(modelOptions, err)) {
            Tokenizer tok = promptIds != null ? m.tokenizer() : m.requireTokenizer();
            int[] ids = promptIds != null ? TokenIds.parse(promptIds, m.config().vocabSize())
                    : encode(m, tok, prompt.given() ? prompt.read() : "Once upon a time");
            int ctx = ModelSetup.contextLength(modelOptions, m);
            Sampler sampler = new Sampler(sampling.config());
            try (Session s = m.newSession(ctx, modelOptions.cacheTypeK, modelOptions.cacheTypeV)) {
                long t0 = System.nanoTime();
                s.prefill(ids);
                long t1 = System.nanoTime();
                for (int id : ids) sampler.accept(id);
                StreamingDecoder dec = tok == null ? null : tok.streamingDecoder(false);
                if (dec != null && !chat) out.print(tok.decode(ids));
                int generated = 0;
                float[] logits = s.logits();
                while (nPredict < 0 || generated < nPredict) {
                    int next = sampler.sample(logits, 0, m.config().vocabSize());
                    generated++;
                    sampler.accept(next);
                    boolean stop = !ignoreEos && tok != null && tok.specials().isStop(next);
                    if (!stop) {
                        out.print(dec != null ? dec.accept(next) : (generated == 1 ? "" : " ") + next);
                        out.flush();
                    }
                    if (stop || s.length() >= ctx) break;
                    logits = s.append(next);
                }
                if (dec != null) out.print(dec.flush());
                out.println();
                long t2 = System.nanoTime();
                err.printf("hy: prompt %d tokens in %.2f s (%.2f t/s) | generation %d tokens in %.2f s (%.2f t/s)%n",
                        ids.length, (t1 - t0) / 1e9, ids.length / ((t1 - t0) / 1e9), generated, (t2 - t1) / 1e9,
                        generated / Math.max(1e-9, (t2 - t1) / 1e9));
            }
        }
        return 0;
    }

    private int[] encode(LoadedModel m, Tokenizer tok, String text) {
        if (chat) {
            text = ChatPrompt.singleUserTurn(m, text, !noThink);
        }
        int[] ids = tok.encode(text, true, !chat && tok.specials().addBos());
        if (ids.length == 0) throw new IllegalArgumentException("the prompt is empty");
        return ids;
    }
}
