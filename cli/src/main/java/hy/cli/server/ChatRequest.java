package hy.cli.server;

import com.fasterxml.jackson.databind.JsonNode;
import hy.runtime.chat.ChatMessage;
import hy.runtime.chat.HunyuanChatTemplate;
import hy.runtime.chat.ToolCall;
import java.util.ArrayList;
import java.util.List;

/**
 * The chat part of an OpenAI chat request: the messages, the template switches (enable_thinking, also inside
 * chat_template_kwargs as llama-server accepts it; tools and tool_choice) and how to present the reply
 * (reasoning_format "none" leaves the think/answer tags in the content).
 *
 * <p>"/no_think" and "/think" at the start of a user message are left in the text: the model was trained to read
 * them there, and the reply's (empty) think block is then handled like any other.
 */
record ChatRequest(List<ChatMessage> messages, HunyuanChatTemplate.Options options, boolean splitReasoning) {

    static ChatRequest read(JsonNode body) {
        JsonNode msgs = JsonFields.array(body, "messages");
        if (msgs == null || msgs.isEmpty()) throw ApiException.badRequest("'messages' must be a non-empty array");
        List<ChatMessage> messages = new ArrayList<>();
        for (int i = 0; i < msgs.size(); i++) messages.add(message(msgs.get(i), i));

        Boolean thinking = JsonFields.optionalBool(body, "enable_thinking");
        JsonNode kwargs = JsonFields.object(body, "chat_template_kwargs");
        if (thinking == null && kwargs != null) thinking = JsonFields.optionalBool(kwargs, "enable_thinking");

        JsonNode tools = JsonFields.array(body, "tools");
        if (tools != null && !toolsWanted(body)) tools = null;

        String format = JsonFields.string(body, "reasoning_format", "auto");
        boolean split = switch (format) {
            case "none" -> false;
            case "auto", "deepseek", "deepseek-legacy" -> true;
            default -> throw ApiException.badRequest("'reasoning_format' must be none, auto or deepseek, got \"" + format + "\"");
        };
        checkResponseFormat(body);
        return new ChatRequest(messages, new HunyuanChatTemplate.Options(thinking, tools, null), split);
    }

    /** The prompt text (special-token strings included; encode with special tokens allowed). */
    String render() {
        return HunyuanChatTemplate.render(messages, options);
    }

    /** Whether the template's tool branch is used, so that the reply may contain tool calls. */
    boolean toolsActive() {
        JsonNode t = options.tools();
        return t != null && !t.isEmpty();
    }

    private static boolean toolsWanted(JsonNode body) {
        JsonNode choice = body.get("tool_choice");
        if (choice == null || choice.isNull()) return true;
        if (choice.isTextual() && choice.asText().equals("auto")) return true;
        if (choice.isTextual() && choice.asText().equals("none")) return false;
        throw ApiException.badRequest("'tool_choice' must be \"auto\" or \"none\" (forcing a tool call is not supported), got " + choice);
    }

    private static void checkResponseFormat(JsonNode body) {
        JsonNode rf = JsonFields.object(body, "response_format");
        if (rf != null && !"text".equals(JsonFields.string(rf, "type", "text"))) {
            throw ApiException.badRequest("'response_format' other than {\"type\": \"text\"} is not supported by this server");
        }
    }

    private static ChatMessage message(JsonNode m, int index) {
        String where = "messages[" + index + "]";
        if (!m.isObject()) throw ApiException.badRequest("'" + where + "' must be an object, got " + m);
        JsonNode role = m.get("role");
        if (role == null || !role.isTextual()) throw ApiException.badRequest("'" + where + ".role' must be a string");
        return new ChatMessage(role.asText(), content(m.get("content"), where), toolCalls(m.get("tool_calls"), where));
    }

    /** A string, null, or OpenAI content parts of type "text" (joined by newlines). */
    private static String content(JsonNode c, String where) {
        if (c == null || c.isNull()) return null;
        if (c.isTextual()) return c.asText();
        if (!c.isArray()) throw ApiException.badRequest("'" + where + ".content' must be a string or an array of parts, got " + c);
        List<String> texts = new ArrayList<>();
        for (JsonNode part : c) {
            if (!part.isObject() || !"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
                throw ApiException.badRequest("'" + where + ".content' may only hold {\"type\": \"text\", \"text\": ...} parts "
                        + "(this model reads text only), got " + part);
            }
            texts.add(part.get("text").asText());
        }
        return String.join("\n", texts);
    }

    private static List<ToolCall> toolCalls(JsonNode calls, String where) {
        if (calls == null || calls.isNull()) return null;
        if (!calls.isArray()) throw ApiException.badRequest("'" + where + ".tool_calls' must be an array, got " + calls);
        List<ToolCall> out = new ArrayList<>();
        for (JsonNode call : calls) {
            JsonNode fn = call.get("function");
            if (fn == null || !fn.isObject() || !fn.path("name").isTextual()) {
                throw ApiException.badRequest("'" + where + ".tool_calls' entries need function.name, got " + call);
            }
            JsonNode args = fn.get("arguments");
            String arguments = args == null || args.isNull() ? "{}" : args.isTextual() ? args.asText() : args.toString();
            out.add(new ToolCall(fn.get("name").asText(), arguments));
        }
        return out;
    }
}
