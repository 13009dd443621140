package hy.runtime.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/**
 * Extracts Hunyuan's tool calls from a reply: {@code <tool_calls>[{"name": "f", "arguments": {...}}, ...]</tool_calls>}
 * (the format the tools preamble of the chat template asks for). A block whose JSON does not parse is left in the
 * content untouched, so nothing the model wrote is lost; a block cut off by the end of generation (no closing tag) is
 * parsed if its JSON is complete.
 */
public final class ToolCallParser {
    private ToolCallParser() {}

    public static final String OPEN = "<tool_calls>";
    public static final String CLOSE = "</tool_calls>";

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The reply split into calls and the remaining text.
     *
     * @param content the reply without the parsed tool-call blocks, trimmed
     * @param calls   the calls in order; arguments as compact JSON text (a string "arguments" value is kept as given)
     */
    public record Parsed(String content, List<ToolCall> calls) {
        public Parsed {
            calls = List.copyOf(calls);
        }

        public boolean hasCalls() {
            return !calls.isEmpty();
        }
    }

    public static Parsed parse(String reply) {
        List<ToolCall> calls = new ArrayList<>();
        StringBuilder content = new StringBuilder();
        int pos = 0;
        while (true) {
            int open = reply.indexOf(OPEN, pos);
            if (open < 0) break;
            int close = reply.indexOf(CLOSE, open + OPEN.length());
            int blockEnd = close < 0 ? reply.length() : close + CLOSE.length();
            String json = reply.substring(open + OPEN.length(), close < 0 ? reply.length() : close);
            List<ToolCall> parsed = parseArray(json);
            content.append(reply, pos, open);
            if (parsed == null) content.append(reply, open, blockEnd);
            else calls.addAll(parsed);
            pos = blockEnd;
        }
        content.append(reply, pos, reply.length());
        return new Parsed(content.toString().strip(), calls);
    }

    /** The calls in a JSON array (a single object is accepted too), or null when it is not valid. */
    private static List<ToolCall> parseArray(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            return null;
        }
        if (root == null) return null;
        List<JsonNode> items = new ArrayList<>();
        if (root.isArray()) root.forEach(items::add);
        else items.add(root);
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode item : items) {
            JsonNode name = item.get("name");
            if (!item.isObject() || name == null || !name.isTextual()) return null;
            JsonNode args = item.get("arguments");
            String arguments = args == null || args.isNull() ? "{}" : args.isTextual() ? args.asText() : args.toString();
            calls.add(new ToolCall(name.asText(), arguments));
        }
        return calls;
    }
}
