package hy.e2e;

import static org.junit.jupiter.api.Assertions.*;

import hy.runtime.tensor.GgmlType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** run, chat, perplexity and bench through the CLI on tiny generated models. */
class GenerationCommandsTest {
    @TempDir
    static Path tmp;
    static Path model;
    static Path text;

    @BeforeAll
    static void setUp() throws Exception {
        model = TinyModels.write(tmp, GgmlType.Q8_0, 7);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 400; i++) sb.append("The quick brown fox ").append(i).append(" jumps over the lazy dog.\n");
        text = tmp.resolve("text.txt");
        Files.writeString(text, sb.toString());
    }

    @Test
    void runWithoutModelUsesTheEmbeddedOne() {
        Cli r = Cli.run("run", "-p", "Hello", "-n", "8", "--temp", "0");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("embedded tiny model"), r.err());
        assertTrue(r.err().contains("random weights"), r.err());
        assertTrue(r.out().startsWith("Hello"), "completion mode echoes the prompt: " + r.out());
        assertTrue(r.err().matches("(?s).*generation 8 tokens in .* t/s\\).*"), r.err());
    }

    @Test
    void greedyRunIsDeterministicAndSeedsMatter() {
        String[] greedy = {"run", "-m", model.toString(), "-p", "abc", "-n", "12", "--temp", "0", "--ignore-eos"};
        Cli a = Cli.run(greedy), b = Cli.run(greedy);
        assertEquals(0, a.code(), a.err());
        assertEquals(a.out(), b.out());
        Cli s1 = Cli.run("run", "-m", model.toString(), "-p", "abc", "-n", "24", "--seed", "1", "--temp", "1.5", "--ignore-eos");
        Cli s2 = Cli.run("run", "-m", model.toString(), "-p", "abc", "-n", "24", "--seed", "1", "--temp", "1.5", "--ignore-eos");
        assertEquals(s1.out(), s2.out(), "same seed, same text");
    }

    @Test
    void perplexityPrintsLlamaCppLines() {
        Cli r = Cli.run("perplexity", "-m", model.toString(), "-f", text.toString(), "-c", "128", "--chunks", "3");
        assertEquals(0, r.code(), r.err());
        assertTrue(Pattern.compile("^\\[1\\][0-9.]+,\\[2\\][0-9.]+,\\[3\\][0-9.]+,$", Pattern.MULTILINE).matcher(r.out()).find(), r.out());
        assertTrue(Pattern.compile("^Final estimate: PPL = [0-9]+\\.[0-9]{4} \\+/- [0-9]+\\.[0-9]{5}$", Pattern.MULTILINE).matcher(r.out()).find(), r.out());
        assertTrue(r.err().contains("calculating perplexity over 3 chunks, n_ctx=128"), r.err());
    }

    @Test
    void klDivergenceOfAModelWithItselfIsZero() {
        Path base = tmp.resolve("base.kld");
        Cli save = Cli.run("perplexity", "-m", model.toString(), "-f", text.toString(), "-c", "128", "--chunks", "2",
                "--kl-divergence-base", base.toString(), "-ctk", "f32", "-ctv", "f32");
        assertEquals(0, save.code(), save.err());
        Cli kl = Cli.run("perplexity", "-m", model.toString(), "--kl-divergence-base", base.toString(), "--kl-divergence",
                "-ctk", "f32", "-ctv", "f32");
        assertEquals(0, kl.code(), kl.err());
        var m = Pattern.compile("Mean    KLD:\\s+(-?[0-9.]+)").matcher(kl.out());
        assertTrue(m.find(), kl.out());
        assertTrue(Math.abs(Double.parseDouble(m.group(1))) < 1e-4, "KLD of a model with itself: " + m.group(1));
        var top = Pattern.compile("Same top p:\\s+([0-9.]+)").matcher(kl.out());
        assertTrue(top.find());
        assertEquals(100.0, Double.parseDouble(top.group(1)), 1e-9);
    }

    @Test
    void klDivergenceAcceptsASingleChunkBaseAndAShortInputKeepsTheOldBase() throws Exception {
        Path base = tmp.resolve("one-chunk.kld");
        Cli save = Cli.run("perplexity", "-m", model.toString(), "-f", text.toString(), "-c", "64", "--chunks", "1",
                "--kl-divergence-base", base.toString());
        assertEquals(0, save.code(), save.err());
        long size = Files.size(base);
        Cli kl = Cli.run("perplexity", "-m", model.toString(), "--kl-divergence-base", base.toString(), "--kl-divergence");
        assertEquals(0, kl.code(), kl.err());
        assertTrue(kl.out().contains("   1 "), kl.out());
        Path small = tmp.resolve("tiny.txt");
        Files.writeString(small, "short");
        Cli refused = Cli.run("perplexity", "-m", model.toString(), "-f", small.toString(), "-c", "64",
                "--kl-divergence-base", base.toString());
        assertNotEquals(0, refused.code());
        assertEquals(size, Files.size(base), "a refused run must not touch an existing base file");
        try (var files = Files.list(tmp)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".partial")), "no partial file left behind");
        }
    }

    @Test
    void perplexityNeedsTwoContextsOfText() throws Exception {
        Path small = tmp.resolve("small.txt");
        Files.writeString(small, "too short");
        Cli r = Cli.run("perplexity", "-m", model.toString(), "-f", small.toString(), "-c", "128");
        assertNotEquals(0, r.code());
        assertEquals(1, r.errorLines(), r.err());
        assertTrue(r.err().contains("you need at least 256 tokens"), r.err());
    }

    @Test
    void benchPrintsAMarkdownTable() {
        Cli r = Cli.run("bench", "-m", model.toString(), "-p", "32", "-n", "8", "-r", "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("| model"), r.out());
        assertTrue(Pattern.compile("\\| +pp32 \\| +[0-9.]+ ± [0-9.]+ \\|").matcher(r.out()).find(), r.out());
        assertTrue(Pattern.compile("\\| +tg8 \\| +[0-9.]+ ± [0-9.]+ \\|").matcher(r.out()).find(), r.out());
        assertTrue(r.out().contains("hunyuan-moe"), r.out());
    }

    @Test
    void chatKeepsHistoryAndQuits() {
        Cli r = Cli.runWithInput("hello\n/no_think again\n/exit\n", "chat", "-m", model.toString(), "-n", "6", "--temp", "0");
        assertEquals(0, r.code(), r.err());
        var turns = Pattern.compile("hy: (\\d+) new prompt tokens").matcher(r.err());
        assertTrue(turns.find());
        int first = Integer.parseInt(turns.group(1));
        assertTrue(turns.find(), "a second turn ran: " + r.err());
        assertTrue(first > 0);
    }

    @Test
    void promptLongerThanTheContextIsOneClearError() {
        Cli r = Cli.run("run", "-m", model.toString(), "-p", "x".repeat(300), "-c", "64", "-n", "4");
        assertNotEquals(0, r.code());
        assertEquals(1, r.errorLines(), r.err());
        assertTrue(r.err().contains("raise -c"), r.err());
    }

    @Test
    void badFlagsAndFilesAreOneLine() throws Exception {
        Cli flag = Cli.run("run", "--no-such-flag");
        assertEquals(2, flag.code());
        assertEquals(1, flag.errorLines(), flag.err());
        Cli missing = Cli.run("run", "-m", tmp.resolve("nope.gguf").toString(), "-p", "x");
        assertEquals(1, missing.code());
        assertEquals(1, missing.errorLines(), missing.err());
        assertTrue(missing.err().contains("nope.gguf"), missing.err());
        Path junk = tmp.resolve("junk.gguf");
        Files.writeString(junk, "definitely not a model");
        Cli bad = Cli.run("bench", "-m", junk.toString());
        assertEquals(1, bad.code());
        assertEquals(1, bad.errorLines(), bad.err());
        assertTrue(bad.err().contains("not a GGUF file"), bad.err());
        Cli ctk = Cli.run("run", "-ctk", "q2_k", "-p", "x");
        assertEquals(2, ctk.code());
        assertTrue(ctk.err().contains("unsupported cache type"), ctk.err());
        Cli temp = Cli.run("run", "--top-p", "0", "-p", "x");
        assertEquals(1, temp.code());
        assertTrue(temp.err().contains("--top-p"), temp.err());
    }
}
