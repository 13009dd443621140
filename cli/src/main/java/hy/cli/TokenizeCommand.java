package hy.cli;

import hy.runtime.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hy tokenize}: prints the tokens of a text like llama.cpp's llama-tokenize, one "  ID -> 'piece'" line per
 * token, or with {@code --ids} the bracketed id list.
 */
@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = "Print the tokens of a text (like llama-tokenize).")
final class TokenizeCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    TokenizerSource source;

    static final class Input {
        @Option(names = {"-p", "--prompt"}, paramLabel = "TEXT", description = "The text (escapes such as \\n are processed unless --no-escape).")
        String prompt;

        @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "Read the text from a file (used as is).")
        Path file;

        @Option(names = "--stdin", description = "Read the text from standard input.")
        boolean stdin;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    @Option(names = "--ids", description = "Print only the ids, as [1, 2, 3].")
    boolean idsOnly;

    @Option(names = "--no-parse-special", description = "Treat special-token text such as <|eos|> as plain text.")
    boolean noParseSpecial;

    @Option(names = "--no-escape", description = "Do not process escapes (\\n, \\t, \\\\, \\xHH ...) in -p text.")
    boolean noEscape;

    @Option(names = "--no-bos", description = "Do not add the BOS token even if the model asks for it.")
    boolean noBos;

    @Option(names = "--show-count", description = "Print the number of tokens at the end.")
    boolean showCount;

    @Override
    public Integer call() throws IOException {
        Tokenizer tokenizer = source.load(spec.commandLine());
        String text = readText();
        boolean addBos = tokenizer.specials().addBos() && !noBos;
        int[] ids = tokenizer.encode(text, !noParseSpecial, addBos);
        PrintWriter out = spec.commandLine().getOut();
        if (idsOnly) {
            StringBuilder line = new StringBuilder("[");
            for (int i = 0; i < ids.length; i++) line.append(i > 0 ? ", " : "").append(ids[i]);
            out.println(line.append(']'));
        } else {
            for (int id : ids) out.println(String.format("%6d -> '%s'", id, piece(tokenizer.vocabulary().tokenBytes(id))));
        }
        if (showCount) out.println("Total number of tokens: " + ids.length);
        return 0;
    }

    private String readText() throws IOException {
        if (input.prompt != null) return noEscape ? input.prompt : Escapes.process(input.prompt);
        byte[] bytes = input.stdin ? System.in.readAllBytes() : Files.readAllBytes(input.file);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * A token's text; a token that is only part of a UTF-8 character is shown as \xHH escapes with llama-tokenize's
     * "(utf-8 decode failure)" note, since the raw bytes cannot be printed as text.
     */
    static String piece(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            StringBuilder hex = new StringBuilder();
            for (byte b : bytes) hex.append(String.format("\\x%02x", b & 0xFF));
            return hex + "' (utf-8 decode failure)";
        }
    }
}
