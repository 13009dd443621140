package hy.runtime.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import org.junit.jupiter.api.Test;

class ToolCallParserTest {
    @Test
    void parsesTheTemplatesFormat() {
        ToolCallParser.Parsed p = ToolCallParser.parse(
                "<tool_calls>[{\"name\": \"get_weather\", \"arguments\": {\"city\": \"北京\", \"days\": 2}}, {\"name\": \"now\", \"arguments\": {}}]</tool_calls>");
        assertEquals(List.of(new ToolCall("get_weather", "{\"city\":\"北京\",\"days\":2}"), new ToolCall("now", "{}")), p.calls());
        assertEquals("", p.content());
    }

    @Test
    void keepsSurroundingTextAndStringArguments() {
        ToolCallParser.Parsed p = ToolCallParser.parse("Let me check.\n<tool_calls>[{\"name\": \"f\", \"arguments\": \"{\\\"a\\\": 1}\"}]</tool_calls>\n");
        assertEquals(List.of(new ToolCall("f", "{\"a\": 1}")), p.calls());
        assertEquals("Let me check.", p.content());
    }

    @Test
    void blockCutOffAtTheEndStillParsesWhenItsJsonIsComplete() {
        ToolCallParser.Parsed p = ToolCallParser.parse("<tool_calls>[{\"name\": \"f\"}]");
        assertEquals(List.of(new ToolCall("f", "{}")), p.calls());
    }

    @Test
    void malformedBlocksStayInTheContent() {
        String reply = "助手：<tool_calls>[{\"name\": \"f\", \"arguments\": {]</tool_calls>";
        ToolCallParser.Parsed p = ToolCallParser.parse(reply);
        assertFalse(p.hasCalls());
        assertEquals(reply, p.content());
        assertFalse(ToolCallParser.parse("<tool_calls>[{\"arguments\": {}}]</tool_calls>").hasCalls(), "a call needs a name");
        assertEquals("plain answer", ToolCallParser.parse(" plain answer ").content());
    }

    @Test
    void roundTripsWhatTheTemplateRenders() {
        // The template writes an assistant's calls as {"name": "...", "arguments": ARGS}; the parser reads them back.
        List<ToolCall> calls = List.of(new ToolCall("a", "{\"x\":[1,2]}"), new ToolCall("b", "{}"));
        String rendered = HunyuanChatTemplate.render(List.of(ChatMessage.user("q"), ChatMessage.assistant("", calls)),
                HunyuanChatTemplate.Options.DEFAULT.withTools(new com.fasterxml.jackson.databind.ObjectMapper().createArrayNode().add("t"))
                        .withNow(java.time.LocalDateTime.of(2026, 1, 1, 0, 0)));
        String reply = rendered.substring(rendered.indexOf("<tool_calls>[{\"name\": \"a\""), rendered.lastIndexOf("<|eos|>"));
        assertEquals(calls, ToolCallParser.parse(reply).calls());
    }
}
