package hy.runtime.chat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.LocalDateTime;
import java.util.List;

/**
 * Renders a conversation into Hunyuan-A13B's prompt text exactly as the official Jinja chat template (in
 * tokenizer_config.json, stored in GGUF as {@code tokenizer.chat_template}) does. The text contains special-token
 * strings such as {@code <|startoftext|>}; encode it with special tokens allowed.
 *
 * <p>Without tools (the common case):
 * <ul>
 *   <li>a non-empty first message that is a system message becomes {@code <|startoftext|>SYSTEM<|extra_4|>};
 *   <li>a user message becomes {@code <|startoftext|>USER<|extra_0|>}, except at position 1 after a non-empty first
 *       message, where it is {@code USER<|extra_0|>} (it continues the head the first message opened; this also
 *       applies to two consecutive user messages), and at position 1 after an empty first message, where the
 *       template adds a second {@code <|startoftext|>};
 *   <li>an assistant message becomes {@code CONTENT<|eos|>}, a tool message {@code CONTENT<|extra_0|>};
 *   <li>system messages after the first, and other roles, contribute their bare content;
 *   <li>nothing is appended for the reply (no generation prompt): the model continues after {@code <|extra_0|>}.
 * </ul>
 * With {@code enable_thinking} explicitly false, {@code <think>\n\n</think>\n} follows the last message so that the
 * model answers without reasoning. With a non-empty tool list the template's other branch is used
 * ({@link HunyuanToolPrompt}).
 */
public final class HunyuanChatTemplate {
    private HunyuanChatTemplate() {}

    public static final String START = "<|startoftext|>";
    public static final String END_OF_SYSTEM = "<|extra_4|>";
    public static final String END_OF_USER = "<|extra_0|>";
    public static final String END_OF_ASSISTANT = "<|eos|>";
    /** Appended when enable_thinking is false: an empty reasoning block. */
    public static final String NO_THINKING = "<think>\n\n</think>\n";

    /**
     * Template variables besides the messages.
     *
     * @param enableThinking null when not given (the template then adds nothing), else the flag
     * @param tools          the OpenAI "tools" array, or null; an empty array counts as no tools, as in Jinja
     * @param now            the time the tool preamble states; null means the current local time
     */
    public record Options(Boolean enableThinking, JsonNode tools, LocalDateTime now) {
        public static final Options DEFAULT = new Options(null, null, null);

        public Options withEnableThinking(Boolean value) {
            return new Options(value, tools, now);
        }

        public Options withTools(JsonNode value) {
            return new Options(enableThinking, value, now);
        }

        public Options withNow(LocalDateTime value) {
            return new Options(enableThinking, tools, value);
        }

        boolean hasTools() {
            return tools != null && !tools.isNull() && !(tools.isContainerNode() && tools.isEmpty());
        }
    }

    public static String render(List<ChatMessage> messages) {
        return render(messages, Options.DEFAULT);
    }

    public static String render(List<ChatMessage> messages, Options options) {
        StringBuilder out = new StringBuilder();
        if (options.hasTools()) {
            HunyuanToolPrompt.render(messages, options.tools(), options.now() == null ? LocalDateTime.now() : options.now(), out);
        } else {
            renderPlain(messages, out);
        }
        if (Boolean.FALSE.equals(options.enableThinking())) out.append(NO_THINKING);
        return out.toString();
    }

    private static void renderPlain(List<ChatMessage> messages, StringBuilder out) {
        // "has_head": the first message opened the prompt's head; an empty first message does not.
        boolean hasHead = true;
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage m = messages.get(i);
            String content = m.text();
            if (i == 0) {
                if (content.isEmpty()) hasHead = false;
                else if (m.role().equals("system")) content = START + content + END_OF_SYSTEM;
            }
            switch (m.role()) {
                case "user" -> {
                    if (i == 1 && !hasHead) content = START + content;
                    content = i == 1 && hasHead ? content + END_OF_USER : START + content + END_OF_USER;
                }
                case "assistant" -> content = content + END_OF_ASSISTANT;
                case "tool" -> content = content + END_OF_USER;
                default -> { }
            }
            out.append(content);
        }
    }
}
