package hy.runtime.chat;

import java.util.Objects;

/**
 * A function call: the function's name and its arguments as JSON text (the OpenAI "arguments" string, e.g.
 * {@code {"city": "Paris"}}).
 */
public record ToolCall(String name, String arguments) {
    public ToolCall {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(arguments, "arguments");
    }
}
