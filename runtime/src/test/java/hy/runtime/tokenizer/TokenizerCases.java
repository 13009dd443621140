package hy.runtime.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hy.runtime.gguf.GgufFile;
import hy.runtime.gguf.GgufWriter;
import hy.runtime.testing.SharedData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Shared fixtures: the reference cases and the two ways of loading Hunyuan's tokenizer (loaded once per JVM). */
final class TokenizerCases {
    private TokenizerCases() {}

    /** One line of tokenizer_cases.jsonl. */
    record Case(String text, int[] ids) {
        @Override
        public String toString() {
            String t = text.length() > 40 ? text.substring(0, 40) + "…" : text;
            return t.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t");
        }
    }

    private static Tokenizer tiktoken;
    private static Tokenizer gguf;

    static synchronized Tokenizer tiktoken() {
        if (tiktoken == null) {
            try {
                tiktoken = TiktokenFile.readHunyuan(SharedData.path("hunyuan/hy.tiktoken"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return tiktoken;
    }

    /** The tokenizer written into a GGUF by {@link TokenizerGguf#write} and read back. */
    static synchronized Tokenizer gguf() {
        if (gguf == null) {
            Tokenizer source = tiktoken();
            try {
                Path dir = Files.createTempDirectory("hy-tok");
                Path file = dir.resolve("tokenizer.gguf");
                GgufWriter w = new GgufWriter();
                TokenizerGguf.write(w, source.vocabulary(), source.specials(), "{{ template }}");
                w.write(file);
                try (GgufFile f = GgufFile.open(file)) {
                    gguf = TokenizerGguf.read(f);
                }
                Files.delete(file);
                Files.delete(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return gguf;
    }

    static List<Case> cases() {
        ObjectMapper json = new ObjectMapper();
        List<Case> cases = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(SharedData.path("testdata/tokenizer_cases.jsonl"))) {
                if (line.isBlank()) continue;
                JsonNode n = json.readTree(line);
                int[] ids = new int[n.get("ids").size()];
                for (int i = 0; i < ids.length; i++) ids[i] = n.get("ids").get(i).asInt();
                cases.add(new Case(n.get("text").asText(), ids));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return cases;
    }
}
