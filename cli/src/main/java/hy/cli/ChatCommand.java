package hy.cli;

import hy.runtime.chat.ChatMessage;
import hy.runtime.chat.HunyuanChatTemplate;
import hy.runtime.chat.ReasoningParser;
import hy.runtime.engine.LoadedModel;
import hy.runtime.engine.Session;
import hy.runtime.sampling.Sampler;
import hy.runtime.tokenizer.StreamingDecoder;
import hy.runtime.tokenizer.Tokenizer;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Interactive chat with Hunyuan's template. The conversation stays in the KV cache between turns (each turn
 * re-renders the whole chat and only the new part is evaluated), reasoning is shown apart from the answer, and
 * {@code /think} / {@code /no_think} at the start of a message switch reasoning the way the model was trained.
 */
@Command(name = "chat", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Interactive chat (Hunyuan template). Type /no_think or /think before a message, /reset to start over, /exit to quit.")
final class ChatCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-sys", "--system"}, paramLabel = "TEXT", description = "system prompt")
    String system;

    @Option(names = {"-n", "--n-predict"}, paramLabel = "N", description = "most tokens per answer, -1 = until end of turn (default: ${DEFAULT-VALUE})")
    int nPredict = -1;

    @Option(names = "--no-think", description = "disable reasoning for every turn (enable_thinking=false)")
    boolean noThink;

    @Option(names = "--hide-reasoning", description = "do not print the reasoning, only the answer")
    boolean hideReasoning;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    SamplingOptions sampling;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        BufferedReader in = ((Hy) spec.root().userObject()).in;
        try (LoadedModel m = ModelSetup.load(modelOptions, err)) {
            Tokenizer tok = m.requireTokenizer();
            int ctx = ModelSetup.contextLength(modelOptions, m);
            // One sampler for the whole chat: with a fixed --seed the turns continue one random stream.
            Sampler sampler = new Sampler(sampling.config());
            List<ChatMessage> history = new ArrayList<>();
            if (system != null) history.add(ChatMessage.system(system));
            err.println("hy: chat ready (" + ctx + " tokens of context). /exit quits, /reset clears the conversation.");
            try (Session s = m.newSession(ctx, modelOptions.cacheTypeK, modelOptions.cacheTypeV)) {
                while (true) {
                    out.print("> ");
                    out.flush();
                    String line = in.readLine();
                    if (line == null || line.strip().equals("/exit") || line.strip().equals("/quit")) break;
                    if (line.isBlank()) continue;
                    if (line.strip().equals("/reset")) {
                        history.subList(system != null ? 1 : 0, history.size()).clear();
                        s.truncate(0);
                        err.println("hy: conversation cleared");
                        continue;
                    }
                    history.add(ChatMessage.user(line));
                    String prompt = HunyuanChatTemplate.render(history,
                            HunyuanChatTemplate.Options.DEFAULT.withEnableThinking(noThink ? Boolean.FALSE : null));
                    int[] ids = tok.encode(prompt, true, false);
                    if (ids.length >= ctx) {
                        history.removeLast();
                        err.println("hy: error: the conversation (" + ids.length + " tokens) no longer fits the context of " + ctx
                                + "; /reset or restart with a larger -c");
                        continue;
                    }
                    String reply = answer(m, s, sampler, ids, ctx, out, err);
                    history.add(ChatMessage.assistant(reply));
                }
            }
        }
        return 0;
    }

    /** Generates one assistant turn, streaming reasoning and answer; returns the raw text for the history. */
    private String answer(LoadedModel m, Session s, Sampler sampler, int[] prompt, int ctx, PrintWriter out, PrintWriter err) {
        Tokenizer tok = m.tokenizer();
        long t0 = System.nanoTime();
        int evaluated = s.prefill(prompt);
        long t1 = System.nanoTime();
        sampler.reset();
        for (int id : prompt) sampler.accept(id);
        StreamingDecoder dec = tok.streamingDecoder(false);
        StringBuilder raw = new StringBuilder();
        boolean[] inReasoning = {false};
        ReasoningParser parser = new ReasoningParser(new ReasoningParser.Listener() {
            @Override
            public void onReasoning(String text) {
                if (hideReasoning) return;
                if (!inReasoning[0]) out.print("[thinking] ");
                inReasoning[0] = true;
                out.print(text);
                out.flush();
            }

            @Override
            public void onAnswer(String text) {
                if (inReasoning[0]) out.print("\n[answer] ");
                inReasoning[0] = false;
                out.print(text);
                out.flush();
            }
        });
        int generated = 0;
        float[] logits = s.logits();
        while (nPredict < 0 || generated < nPredict) {
            int next = sampler.sample(logits, 0, m.config().vocabSize());
            generated++;
            if (tok.specials().isStop(next)) break;
            sampler.accept(next);
            String piece = dec.accept(next);
            raw.append(piece);
            parser.accept(piece);
            if (s.length() >= ctx) {
                err.println("\nhy: context full; /reset to continue");
                break;
            }
            logits = s.append(next);
        }
        String tail = dec.flush();
        raw.append(tail);
        parser.accept(tail);
        parser.finish();
        out.println();
        long t2 = System.nanoTime();
        err.printf("hy: %d new prompt tokens in %.2f s, %d tokens in %.2f s (%.2f t/s)%n", evaluated, (t1 - t0) / 1e9,
                generated, (t2 - t1) / 1e9, generated / Math.max(1e-9, (t2 - t1) / 1e9));
        return raw.toString();
    }
}
