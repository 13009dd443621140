package hy.runtime.chat;

import java.util.List;
import java.util.Objects;

/**
 * One turn of a conversation as the chat template sees it (the OpenAI message shape).
 *
 * @param role      "system", "user", "assistant" or "tool" (other roles render their content bare, as the template
 *                  does)
 * @param content   the text; null when the message has no content field (rendered as empty)
 * @param toolCalls an assistant's tool calls; null when the message has no tool_calls field (which the template
 *                  distinguishes from an empty list)
 */
public record ChatMessage(String role, String content, List<ToolCall> toolCalls) {

    public ChatMessage {
        Objects.requireNonNull(role, "role");
        toolCalls = toolCalls == null ? null : List.copyOf(toolCalls);
    }

    public static ChatMessage system(String content) {
        return new ChatMessage("system", content, null);
    }

    public static ChatMessage user(String content) {
        return new ChatMessage("user", content, null);
    }

    public static ChatMessage assistant(String content) {
        return new ChatMessage("assistant", content, null);
    }

    public static ChatMessage assistant(String content, List<ToolCall> toolCalls) {
        return new ChatMessage("assistant", content, toolCalls);
    }

    public static ChatMessage tool(String content) {
        return new ChatMessage("tool", content, null);
    }

    /** The content, or "" when absent. */
    public String text() {
        return content == null ? "" : content;
    }
}
