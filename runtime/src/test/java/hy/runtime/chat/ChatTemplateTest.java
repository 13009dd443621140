package hy.runtime.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hy.runtime.testing.SharedData;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The official template's renderings: the shared reference cases, and extra cases (tool turns, consecutive users,
 * the tools branch) rendered by Jinja2 from the same template by scripts/gen_chat_template_cases.py.
 */
class ChatTemplateTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Case(String label, JsonNode json) {
        @Override
        public String toString() {
            return label;
        }
    }

    static List<Case> sharedCases() throws IOException {
        return read(Files.readAllLines(SharedData.path("testdata/chat_template_cases.jsonl")), "shared");
    }

    static List<Case> extraCases() throws IOException {
        try (InputStream in = ChatTemplateTest.class.getResourceAsStream("template_cases_extra.jsonl")) {
            return read(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList(), "jinja2");
        }
    }

    private static List<Case> read(List<String> lines, String source) throws IOException {
        List<Case> cases = new ArrayList<>();
        for (String line : lines) {
            if (line.isBlank()) continue;
            JsonNode n = JSON.readTree(line);
            StringBuilder label = new StringBuilder(source + " #" + (cases.size() + 1) + ":");
            for (JsonNode m : n.get("messages")) label.append(' ').append(m.get("role").asText());
            if (n.has("tools")) label.append(" +tools");
            if (n.has("enable_thinking")) label.append(" thinking=").append(n.get("enable_thinking").asBoolean());
            cases.add(new Case(label.toString(), n));
        }
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"sharedCases", "extraCases"})
    void rendersLikeTheJinjaTemplate(Case c) {
        JsonNode n = c.json();
        HunyuanChatTemplate.Options options = HunyuanChatTemplate.Options.DEFAULT;
        if (n.has("enable_thinking")) options = options.withEnableThinking(n.get("enable_thinking").asBoolean());
        if (n.has("tools")) options = options.withTools(n.get("tools"));
        if (n.has("now")) options = options.withNow(LocalDateTime.parse(n.get("now").asText()));
        assertEquals(n.get("rendered").asText(), HunyuanChatTemplate.render(messages(n.get("messages")), options));
    }

    /** OpenAI-shaped JSON messages to {@link ChatMessage}s (arguments objects become JSON text as tojson writes it). */
    static List<ChatMessage> messages(JsonNode array) {
        List<ChatMessage> out = new ArrayList<>();
        for (JsonNode m : array) {
            List<ToolCall> calls = null;
            if (m.has("tool_calls")) {
                calls = new ArrayList<>();
                for (JsonNode call : m.get("tool_calls")) {
                    JsonNode f = call.get("function");
                    JsonNode args = f.get("arguments");
                    calls.add(new ToolCall(f.get("name").asText(), args.isTextual() ? args.asText() : PythonJson.dumps(args)));
                }
            }
            out.add(new ChatMessage(m.get("role").asText(), m.has("content") ? m.get("content").asText() : null, calls));
        }
        return out;
    }
}
