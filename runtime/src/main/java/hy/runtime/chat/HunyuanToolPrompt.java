package hy.runtime.chat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The tools branch of Hunyuan's chat template. The first message is wrapped in a Chinese preamble that explains the
 * {@code <tool_calls>[...]</tool_calls>} reply format, lists the tools as JSON and states the current date and
 * weekday; later user turns are prefixed "用户：", plain assistant turns "助手：", assistant tool calls are written as
 * {@code <tool_calls>[{"name": ..., "arguments": ...}]</tool_calls>} and tool results as
 * {@code <tool_response>...</tool_response>}. The preamble texts are the template's own, verbatim.
 */
final class HunyuanToolPrompt {
    private HunyuanToolPrompt() {}

    private static final String CALL_FORMAT =
            "<tool_calls>[{\"name\": \"func_name1\", \"arguments\": {\"argument1\": \"value1\", \"argument2\": \"value2\"}},...]</tool_calls>";

    private static final String PREAMBLE = "你是一位函数组合专家。你会得到一个问题和一组可能的函数。根据问题，你需要进行一个或多个函数/工具调用以实现目的。\n"
            + "如果没有一个函数可以使用，请直接使用自然语言回复用户，以助手：开头。\n"
            + "如果给定的问题缺少函数所需的参数，请使用自然语言进行提问，向用户询问必要信息，以助手：开头。\n"
            + "如果调用结果已经足够回答用户问题，请对历史结果进行总结，使用自然语言回复用户，以助手：开头。\n"
            + "你应该只在工具调用部分返回函数调用。如果你决定调用任何函数，你必须将其格式化为" + CALL_FORMAT
            + "。你不应该在回复中包含任何其他文本。以下是你可以调用的函数列表，格式为JSON。\n";

    private static final String SYSTEM_EXTRA_HEADER = "\n额外要求：\n";

    private static final String SYSTEM_TAIL = "\n\n如果你决定返回函数调用，请将其格式化为" + CALL_FORMAT
            + "，不得包含其他文本。如果额外要求里有格式要求，请忽略，以此处为准。\n"
            + "否则，请参考开头说的三种情况，以助手：开头进行回复。\n\n"
            + "如果额外要求里有时间信息，就以额外要求里的时间为准，否则，参考当前时间：";

    private static final String USER_TAIL = "\n如果你决定返回函数调用，请将其格式化为" + CALL_FORMAT + "，不得包含其他文本。\n"
            + "否则，请参考开头说的三种情况，以助手：开头进行回复。\n\n当前时间：";

    static final String USER_PREFIX = "用户：";
    static final String ASSISTANT_PREFIX = "助手：";

    private static final String[] WEEKDAYS = {"星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"};
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    static void render(List<ChatMessage> messages, JsonNode tools, LocalDateTime now, StringBuilder out) {
        String dateTime = DATE_TIME.format(now) + " " + WEEKDAYS[now.getDayOfWeek().getValue() - 1];
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage m = messages.get(i);
            String content = m.text();
            if (i == 0) {
                String head = PREAMBLE + "\n" + PythonJson.dumps(tools) + "\n";
                if (m.role().equals("system")) {
                    content = HunyuanChatTemplate.START + head + SYSTEM_EXTRA_HEADER + content + SYSTEM_TAIL + dateTime
                            + HunyuanChatTemplate.END_OF_SYSTEM;
                } else if (m.role().equals("user")) {
                    content = HunyuanChatTemplate.START + head + USER_TAIL + dateTime + HunyuanChatTemplate.END_OF_SYSTEM
                            + USER_PREFIX + content + HunyuanChatTemplate.END_OF_USER;
                }
            } else {
                switch (m.role()) {
                    case "user" -> content = USER_PREFIX + content + HunyuanChatTemplate.END_OF_USER;
                    case "assistant" -> content = (m.toolCalls() != null ? content + toolCalls(m.toolCalls()) : ASSISTANT_PREFIX + content)
                            + HunyuanChatTemplate.END_OF_ASSISTANT;
                    case "tool" -> content = "<tool_response>" + content + "</tool_response>" + HunyuanChatTemplate.END_OF_USER;
                    default -> { }
                }
            }
            out.append(content);
        }
    }

    /** The template builds this by string concatenation; arguments are inserted as given (JSON text). */
    private static String toolCalls(List<ToolCall> calls) {
        StringBuilder b = new StringBuilder("<tool_calls>[");
        for (int i = 0; i < calls.size(); i++) {
            if (i > 0) b.append(", ");
            b.append("{\"name\": \"").append(calls.get(i).name()).append("\", \"arguments\": ").append(calls.get(i).arguments()).append('}');
        }
        return b.append("]</tool_calls>").toString();
    }
}
