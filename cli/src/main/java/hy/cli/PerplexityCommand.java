package hy.cli;

import hy.runtime.engine.KlDivergence;
import hy.runtime.engine.LoadedModel;
import hy.runtime.engine.LogitsFile;
import hy.runtime.engine.Perplexity;
import hy.runtime.engine.Session;
import hy.runtime.tokenizer.Tokenizer;
import hy.runtime.util.AtomicFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * llama-perplexity: the same chunking, scoring and output ("[1]x,[2]y,…" then "Final estimate: PPL = X +/- Y"),
 * plus its KL-divergence mode against a saved base run.
 */
@Command(name = "perplexity", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Perplexity of a text file, llama.cpp's method and output; KL divergence against a base run.")
final class PerplexityCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "text to score (e.g. wiki.test.raw)")
    Path file;

    @Option(names = "--chunks", paramLabel = "N", description = "score at most N chunks (default: all)")
    int chunks = -1;

    @Option(names = {"--kl-divergence-base", "--save-all-logits"}, paramLabel = "FILE",
            description = "with -f: save this run's logits to FILE; with --kl-divergence: compare against FILE")
    Path klBase;

    @Option(names = "--kl-divergence", description = "compare with the base logits file instead of reading -f")
    boolean klDivergence;

    @Mixin
    ModelOptions modelOptions;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        if (klDivergence && klBase == null) throw new IllegalArgumentException("--kl-divergence needs --kl-divergence-base FILE");
        if (!klDivergence && file == null) throw new IllegalArgumentException("give the text to score with -f FILE");
        if (klDivergence) {
            // The base file fixes the context: plan the KV cache for it.
            int baseCtx;
            try (LogitsFile.Reader header = new LogitsFile.Reader(klBase)) {
                baseCtx = header.nCtx;
            }
            try (LoadedModel m = ModelSetup.load(modelOptions, null, err, baseCtx)) {
                return klDivergence(m, out, err);
            }
        }
        try (LoadedModel m = ModelSetup.load(modelOptions, null, err, 512)) {
            int nCtx = ModelSetup.contextLength(modelOptions, m, 512);
            Tokenizer tok = m.requireTokenizer();
            err.println("perplexity: tokenizing the input ..");
            long t0 = System.nanoTime();
            String text = Files.readString(file, StandardCharsets.UTF_8);
            // llama.cpp tokenizes with add_special (BOS only where the vocabulary adds it) and parse_special off.
            int[] tokens = tok.encode(text, false, tok.specials().addBos());
            err.printf("perplexity: tokenization took %.3f ms%n", (System.nanoTime() - t0) / 1e6);
            Perplexity.requireEnoughTokens(tokens.length, nCtx);
            int total = Perplexity.chunkCount(tokens.length, nCtx, chunks);
            err.printf("perplexity: calculating perplexity over %d chunks, n_ctx=%d, batch_size=%d, n_seq=1%n",
                    total, nCtx, Math.min(modelOptions.batch, nCtx));
            if (klBase == null) {
                score(m, tokens, nCtx, null, out, err);
            } else {
                // Written aside and renamed when complete: an interrupted run never leaves a base file that looks whole.
                AtomicFile.write(klBase, tmp -> {
                    try (LogitsFile.Writer save = new LogitsFile.Writer(tmp, nCtx, m.config().vocabSize(), tokens, total)) {
                        score(m, tokens, nCtx, save, out, err);
                    }
                });
            }
        }
        return 0;
    }

    /** The perplexity run proper: prints llama.cpp's lines, saves the scored logits when {@code save} is given. */
    private void score(LoadedModel m, int[] tokens, int nCtx, LogitsFile.Writer save, PrintWriter out, PrintWriter err) {
        Tokenizer tok = m.tokenizer();
        int bos = tok.specials().addBos() ? tok.specials().bos() : -1;
        int vocab = m.config().vocabSize();
        try (Session s = m.newSession(nCtx, modelOptions.cacheTypeK, modelOptions.cacheTypeV)) {
            ProgressBar bar = ProgressBar.counting(err, "chunks");
            Perplexity.Progress p = Perplexity.run(s, tokens, nCtx, chunks, bos, new Perplexity.Listener() {
                @Override
                public void onChunk(Perplexity.Progress p) {
                    if (p.chunk() == 1) {
                        err.printf("perplexity: %.2f seconds per pass - ETA %s%n", p.secondsPerChunk(), eta(p.secondsPerChunk() * (p.chunks() - 1)));
                    }
                    out.printf("[%d]%.4f,", p.chunk(), p.ppl());
                    out.flush();
                    bar.progress(p.chunk(), p.chunks());
                }

                @Override
                public void onScoredLogits(int chunk, int[] chunkTokens, float[] logits, int first) {
                    if (save == null) return;
                    try {
                        for (int r = 0; r < logits.length / vocab; r++) save.write(logits, r * vocab);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            });
            out.println();
            bar.finish();
            double error = p.pplError();
            if (Double.isNaN(error)) {
                err.println("Unexpected negative standard deviation of log(prob)");
            } else {
                out.printf("Final estimate: PPL = %.4f +/- %.5f%n", p.ppl(), error);
            }
        }
    }

    private int klDivergence(LoadedModel m, PrintWriter out, PrintWriter err) throws IOException {
        try (LogitsFile.Reader base = new LogitsFile.Reader(klBase)) {
            int vocab = m.config().vocabSize();
            if (base.vocab != vocab) {
                throw new IllegalArgumentException(klBase + " was written by a model with " + base.vocab + " tokens; this one has " + vocab);
            }
            int nCtx = base.nCtx, total = chunks > 0 ? Math.min(chunks, base.chunks) : base.chunks, first = nCtx / 2;
            err.printf("kl-divergence: %d chunks, n_ctx=%d, from %s%n", total, nCtx, klBase);
            KlDivergence kl = new KlDivergence();
            float[] baseLp = new float[vocab];
            out.println("chunk             PPL               ln(PPL(Q)/PPL(base))          KL Divergence              Δp RMS            Same top p");
            try (Session s = m.newSession(nCtx, modelOptions.cacheTypeK, modelOptions.cacheTypeV)) {
                int[] tokens = java.util.Arrays.copyOf(base.tokens, total * nCtx);
                Tokenizer tok = m.tokenizer();
                int bos = tok != null && tok.specials().addBos() ? tok.specials().bos() : -1;
                Perplexity.run(s, tokens, nCtx, total, bos, new Perplexity.Listener() {
                    @Override
                    public void onScoredLogits(int chunk, int[] chunkTokens, float[] logits, int firstScored) {
                        try {
                            for (int j = first; j < nCtx - 1; j++) {
                                base.next(baseLp);
                                kl.add(logits, (j - first) * vocab, baseLp, vocab, chunkTokens[j + 1]);
                            }
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                        KlDivergence.Estimate ppl = kl.ppl(), ratio = kl.logPplRatio(), d = kl.kld(), rms = kl.rmsPDiff(), top = kl.sameTop();
                        out.printf("%4d    %10.4f ± %10.4f    %10.5f ± %10.5f    %10.5f ± %10.5f    %6.3f ± %6.3f %%    %6.3f ± %6.3f %%%n",
                                chunk + 1, ppl.value(), ppl.error(), ratio.value(), ratio.error(), d.value(), d.error(),
                                100 * rms.value(), 100 * rms.error(), 100 * top.value(), 100 * top.error());
                        out.flush();
                    }
                });
            }
            if (kl.count() >= 100) printKlSummary(kl, out);
        }
        return 0;
    }

    private static void printKlSummary(KlDivergence kl, PrintWriter out) {
        KlDivergence.Estimate ppl = kl.ppl(), pplBase = kl.pplBase(), ratio = kl.logPplRatio();
        out.println();
        out.println("====== Perplexity statistics ======");
        out.printf("Mean PPL(Q)                   : %10.6f ± %10.6f%n", ppl.value(), ppl.error());
        out.printf("Mean PPL(base)                : %10.6f ± %10.6f%n", pplBase.value(), pplBase.error());
        out.printf("Cor(ln(PPL(Q)), ln(PPL(base))): %6.2f%%%n", 100 * kl.nllCorrelation());
        out.printf("Mean ln(PPL(Q)/PPL(base))     : %10.6f ± %10.6f%n", ratio.value(), ratio.error());
        out.printf("Mean PPL(Q)/PPL(base)         : %10.6f ± %10.6f%n", Math.exp(ratio.value()), Math.exp(ratio.value()) * ratio.error());
        KlDivergence.Estimate diff = kl.pplDifference();
        out.printf("Mean PPL(Q)-PPL(base)         : %10.6f ± %10.6f%n", diff.value(), diff.error());
        out.println();
        out.println("====== KL divergence statistics ======");
        KlDivergence.Estimate d = kl.kld();
        out.printf("Mean    KLD: %10.6f ± %10.6f%n", d.value(), d.error());
        double[] pcts = {100, 99.9, 99.0, 95.0, 90.0, 50.0, 10.0, 5.0, 1.0, 0.1, 0};
        String[] names = {"Maximum KLD", "99.9%   KLD", "99.0%   KLD", "95.0%   KLD", "90.0%   KLD", "Median  KLD", "10.0%   KLD",
                " 5.0%   KLD", " 1.0%   KLD", " 0.1%   KLD", "Minimum KLD"};
        for (int i = 0; i < pcts.length; i++) out.printf("%s: %10.6f%n", names[i], kl.kldPercentile(pcts[i]));
        out.println();
        out.println("====== Token probability statistics ======");
        KlDivergence.Estimate dp = kl.meanPDiff(), rms = kl.rmsPDiff(), top = kl.sameTop();
        out.printf("Mean    Δp: %6.3f ± %5.3f %%%n", 100 * dp.value(), 100 * dp.error());
        double[] dpPcts = {100, 99.9, 99.0, 95.0, 90.0, 75.0, 50.0, 25.0, 10.0, 5.0, 1.0, 0.1, 0};
        String[] dpNames = {"Maximum Δp", "99.9%   Δp", "99.0%   Δp", "95.0%   Δp", "90.0%   Δp", "75.0%   Δp", "Median  Δp",
                "25.0%   Δp", "10.0%   Δp", " 5.0%   Δp", " 1.0%   Δp", " 0.1%   Δp", "Minimum Δp"};
        for (int i = 0; i < dpPcts.length; i++) out.printf("%s: %6.3f%%%n", dpNames[i], 100 * kl.pDiffPercentile(dpPcts[i]));
        out.printf("RMS Δp    : %6.3f ± %5.3f %%%n", 100 * rms.value(), 100 * rms.error());
        out.printf("Same top p: %6.3f ± %5.3f %%%n", 100 * top.value(), 100 * top.error());
    }

    private static String eta(double seconds) {
        return seconds >= 60 ? String.format("%.2f minutes", seconds / 60) : String.format("%.0f seconds", seconds);
    }
}
