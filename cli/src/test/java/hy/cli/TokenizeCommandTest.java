package hy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hy.runtime.gguf.GgufWriter;
import hy.runtime.testing.SharedData;
import hy.runtime.tokenizer.TiktokenFile;
import hy.runtime.tokenizer.Tokenizer;
import hy.runtime.tokenizer.TokenizerGguf;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hy tokenize} and {@code hy detokenize} through {@link Hy#execute}. */
class TokenizeCommandTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    static Run hy(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Hy.execute(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    static String vocab() {
        return SharedData.path("hunyuan/hy.tiktoken").toString();
    }

    @Test
    void printsOneTokenPerLineLikeLlamaTokenize() {
        Run r = hy("tokenize", "--vocab", vocab(), "-p", "Hello, world!");
        assertEquals(0, r.code(), r.err());
        assertEquals("  9906 -> 'Hello'\n    11 -> ','\n  1917 -> ' world'\n     0 -> '!'\n", r.out());
    }

    @Test
    void idsOnlyAsABracketedList() {
        Run r = hy("tokenize", "--vocab", vocab(), "-p", "Hello, world!", "--ids");
        assertEquals("[9906, 11, 1917, 0]\n", r.out());
    }

    @Test
    void specialTokensAreParsedUnlessToldNotTo() {
        assertEquals("[127960]\n", hy("tokenize", "--vocab", vocab(), "-p", "<|eos|>", "--ids").out());
        String plain = hy("tokenize", "--vocab", vocab(), "-p", "<|eos|>", "--ids", "--no-parse-special").out();
        assertTrue(!plain.contains("127960") && plain.startsWith("[") && plain.contains(", "), plain);
    }

    @Test
    void escapesInPromptsAndRawFiles() throws Exception {
        // -p processes \n like llama-tokenize; the worked example "<think>\n" is [14023, 771, 397].
        assertEquals("[14023, 771, 397]\n", hy("tokenize", "--vocab", vocab(), "-p", "<think>\\n", "--ids").out());
        Path f = dir.resolve("text.txt");
        Files.writeString(f, "<think>\n");
        assertEquals("[14023, 771, 397]\n", hy("tokenize", "--vocab", vocab(), "-f", f.toString(), "--ids").out());
        // --no-escape keeps the backslash: the ids of the literal text "<think>\n" (backslash, n).
        String literal = java.util.Arrays.toString(TiktokenFile.readHunyuan(Path.of(vocab())).encode("<think>\\n", true));
        assertEquals(literal + "\n", hy("tokenize", "--vocab", vocab(), "-p", "<think>\\n", "--ids", "--no-escape").out());
        assertTrue(!literal.equals("[14023, 771, 397]"));
    }

    @Test
    void partialCharactersAreShownAsBytes() {
        // 😀 is split across tokens; the pieces are not text on their own.
        Run r = hy("tokenize", "--vocab", vocab(), "-p", "😀", "--show-count");
        assertTrue(r.out().contains("(utf-8 decode failure)"), r.out());
        assertTrue(r.out().contains("\\xf0\\x9f"), r.out());
        assertTrue(r.out().endsWith("Total number of tokens: " + (r.out().lines().count() - 1) + "\n"), r.out());
    }

    @Test
    void readsTheTokenizerFromAModelFile() throws Exception {
        Tokenizer t = TiktokenFile.readHunyuan(Path.of(vocab()));
        Path model = dir.resolve("m.gguf");
        GgufWriter w = new GgufWriter();
        TokenizerGguf.write(w, t.vocabulary(), t.specials(), null);
        w.write(model);
        assertEquals("[9906, 11, 1917, 0]\n", hy("tokenize", "-m", model.toString(), "-p", "Hello, world!", "--ids").out());
        assertEquals("Hello, world!<|eos|>\n", hy("detokenize", "-m", model.toString(), "-p", "9906,11,1917,0,127960").out());
    }

    @Test
    void detokenizesListsInEitherForm() throws Exception {
        assertEquals("Hello, world!\n", hy("detokenize", "--vocab", vocab(), "-p", "[9906, 11, 1917, 0]").out());
        assertEquals("Hello, world!\n", hy("detokenize", "--vocab", vocab(), "-p", "9906,11,1917,0").out());
        assertEquals("Hi\n", hy("detokenize", "--vocab", vocab(), "-p", "[127958, 13347, 127962]", "--no-special").out());
        Path f = dir.resolve("ids.txt");
        Files.writeString(f, "[9906, 11,\n 1917, 0]\n");
        assertEquals("Hello, world!\n", hy("detokenize", "--vocab", vocab(), "-f", f.toString()).out());
    }

    @Test
    void clearOneLineErrors() {
        Run noVocab = hy("tokenize", "-p", "x");
        assertEquals(2, noVocab.code());
        assertTrue(noVocab.err().startsWith("hy: error: no vocabulary: give the model with -m MODEL.gguf or the vocabulary with --vocab hy.tiktoken"), noVocab.err());

        Run outOfRange = hy("detokenize", "--vocab", vocab(), "-p", "[1, 128167]");
        assertEquals(1, outOfRange.code());
        assertEquals("hy: error: token id 128167 is out of range (vocabulary has ids 0..128166)\n", outOfRange.err());

        Run notAnId = hy("detokenize", "--vocab", vocab(), "-p", "1, two");
        assertEquals("hy: error: 'two' is not a token id (expected integers like \"[9906, 11, 1917, 0]\")\n", notAnId.err());

        Run missingFile = hy("tokenize", "--vocab", vocab(), "-f", dir.resolve("nope.txt").toString());
        assertEquals(1, missingFile.code());
        assertEquals("hy: error: file not found: " + dir.resolve("nope.txt") + "\n", missingFile.err());

        Run missingVocab = hy("tokenize", "--vocab", dir.resolve("hy.tiktoken").toString(), "-p", "x");
        assertEquals("hy: error: file not found: " + dir.resolve("hy.tiktoken") + "\n", missingVocab.err());

        Run both = hy("tokenize", "--vocab", vocab(), "-p", "x", "-f", "y");
        assertEquals(2, both.code());
        assertTrue(both.err().startsWith("hy: error: ") && both.err().lines().count() == 1, both.err());
    }
}
