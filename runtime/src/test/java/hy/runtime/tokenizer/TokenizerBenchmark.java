package hy.runtime.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import hy.runtime.testing.SharedData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Single-thread encoding throughput on ~4 MB of mixed text (English prose from the spec, code, Chinese, Japanese,
 * Cyrillic, numbers, emoji, whitespace runs and the reference cases). Opt-in:
 * {@code mvn test -pl runtime -Dtest=TokenizerBenchmark -Dhy.excludedGroups=} or run {@link #main}.
 */
@Tag("slow")
class TokenizerBenchmark {

    static String corpus(int targetBytes) throws IOException {
        String prose = Files.readString(SharedData.path("hunyuan-spec-details.md"));
        String[] words = prose.split("\\s+");
        String[] fragments = {
                "你好，世界！今天天气很好。我们一起去公园散步吧，", "日本語のテキストとカタカナ、ひらがな。",
                "Привет, мир! Ελληνικά κείμενα. ", "emoji 😀🚀👍🏽 and symbols ©®™ ±≠≤≥ ",
                "def f(x):\n    return x**2  # square\n\n\nprint(f(3))\n", "    indented\n        more\n",
                "Numbers: 1234567890 3.14159 -42 1e-5 0x1F ", "\t\ttabs\r\n", "JSON {\"key\": [1, 2, {\"x\": null}]} ",
        };
        Random random = new Random(3);
        StringBuilder b = new StringBuilder(targetBytes);
        for (TokenizerCases.Case c : TokenizerCases.cases()) b.append(c.text()).append('\n');
        while (b.length() < targetBytes / 1.3) {
            int r = random.nextInt(10);
            if (r < 7) {
                int n = 5 + random.nextInt(40);
                int at = random.nextInt(words.length - n);
                for (int i = 0; i < n; i++) b.append(words[at + i]).append(' ');
                b.append(random.nextInt(4) == 0 ? "\n\n" : "\n");
            } else {
                b.append(fragments[random.nextInt(fragments.length)]);
            }
        }
        return b.toString();
    }

    /** Returns MB/s (UTF-8 input bytes per second, best of several runs). */
    static double measure(Tokenizer t, String text, int runs) {
        double bytes = text.getBytes(StandardCharsets.UTF_8).length;
        double best = 0;
        for (int r = 0; r < runs; r++) {
            long start = System.nanoTime();
            int[] ids = t.encode(text, true);
            double seconds = (System.nanoTime() - start) / 1e9;
            best = Math.max(best, bytes / 1e6 / seconds);
            if (r == 0) assertEquals(text.length() > 0, ids.length > 0);
        }
        return best;
    }

    @Test
    void encodeThroughput() throws IOException {
        Tokenizer t = TokenizerCases.tiktoken();
        String text = corpus(4_000_000);
        measure(t, text, 10); // warm-up: C2 needs a few seconds of this loop
        double mbPerS = measure(t, text, 5);
        int tokens = t.encode(text, true).length;
        System.out.printf("tokenizer: %.1f MB of mixed text, %d tokens, %.1f MB/s on one thread%n",
                text.getBytes(StandardCharsets.UTF_8).length / 1e6, tokens, mbPerS);
    }

    public static void main(String[] args) throws IOException {
        Tokenizer t = args.length > 0 ? TiktokenFile.readHunyuan(Path.of(args[0])) : TokenizerCases.tiktoken();
        String text = corpus(4_000_000);
        measure(t, text, 10);
        System.out.printf("%.1f MB/s%n", measure(t, text, 5));
    }
}
