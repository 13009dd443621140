package hy.runtime.tokenizer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Reads a tiktoken rank file (Hunyuan's {@code hy.tiktoken}): one line per token, "BASE64(bytes) RANK". The ranks
 * become the ids (they must be 0..n−1, each once), and the special tokens are appended after them, as the official
 * tokenizer does.
 */
public final class TiktokenFile {
    private TiktokenFile() {}

    /** Reads the file and appends Hunyuan's 210 special tokens; returns a ready tokenizer with Hunyuan's roles. */
    public static Tokenizer readHunyuan(Path path) throws IOException {
        Vocabulary vocab = read(path, HunyuanSpecialTokens.names());
        return new Tokenizer(vocab, HunyuanSpecialTokens.roles(vocab));
    }

    /** Reads the ranks of {@code path} and appends {@code specials} (as control tokens) after the highest rank. */
    public static Vocabulary read(Path path, List<String> specials) throws IOException {
        return parse(Files.readAllBytes(path), path.getFileName().toString(), specials);
    }

    static Vocabulary parse(byte[] file, String label, List<String> specials) {
        byte[][] byRank = new byte[countLines(file)][];
        Base64.Decoder base64 = Base64.getDecoder();
        int line = 0;
        int count = 0;
        for (int start = 0; start < file.length; ) {
            int end = start;
            while (end < file.length && file[end] != '\n') end++;
            line++;
            int stop = end > start && file[end - 1] == '\r' ? end - 1 : end;
            if (stop > start) {
                int space = start;
                while (space < stop && file[space] != ' ') space++;
                if (space == start || space >= stop - 1) throw bad(label, line, "expected 'BASE64 RANK'");
                int rank = parseRank(file, space + 1, stop, label, line);
                if (rank >= byRank.length) throw bad(label, line, "rank " + rank + " is larger than the number of tokens");
                if (byRank[rank] != null) throw bad(label, line, "rank " + rank + " occurs twice");
                try {
                    ByteBuffer decoded = base64.decode(ByteBuffer.wrap(file, start, space - start));
                    byte[] token = new byte[decoded.remaining()];
                    decoded.get(token);
                    if (token.length == 0) throw bad(label, line, "empty token");
                    byRank[rank] = token;
                } catch (IllegalArgumentException e) {
                    throw bad(label, line, "invalid base64 (" + e.getMessage() + ")");
                }
                count++;
            }
            start = end + 1;
        }
        if (count == 0) throw new IllegalArgumentException(label + ": no tokens (is this a tiktoken file?)");
        for (int r = 0; r < count; r++) {
            if (byRank[r] == null) throw new IllegalArgumentException(label + ": rank " + r + " is missing (ranks must be 0.." + (count - 1) + ")");
        }
        int n = count + specials.size();
        byte[][] tokens = Arrays.copyOf(byRank, n);
        TokenType[] types = new TokenType[n];
        int[] ranks = new int[n];
        for (int id = 0; id < count; id++) {
            types[id] = TokenType.NORMAL;
            ranks[id] = id;
        }
        for (int i = 0; i < specials.size(); i++) {
            tokens[count + i] = specials.get(i).getBytes(StandardCharsets.UTF_8);
            types[count + i] = TokenType.CONTROL;
            ranks[count + i] = Vocabulary.NO_RANK;
        }
        return new Vocabulary(tokens, types, ranks);
    }

    private static int countLines(byte[] file) {
        int n = 0;
        for (byte b : file) if (b == '\n') n++;
        return n + 1;
    }

    private static int parseRank(byte[] b, int from, int to, String label, int line) {
        long v = 0;
        for (int i = from; i < to; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) throw bad(label, line, "rank is not a non-negative integer");
            v = v * 10 + d;
            if (v > Integer.MAX_VALUE) throw bad(label, line, "rank is too large");
        }
        return (int) v;
    }

    private static IllegalArgumentException bad(String label, int line, String what) {
        return new IllegalArgumentException(label + " line " + line + ": " + what);
    }
}
