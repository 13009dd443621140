package hy.cli.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hy.runtime.chat.ToolCall;
import hy.runtime.chat.ToolCallParser;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tool-call mapping on canned model output, whole and streamed in pieces of every size. */
class ToolReplyFilterTest {

    @Test
    void aToolCallBlockBecomesCalls() {
        ToolCallParser.Parsed p = ToolReplyFilter.map("<tool_calls>[{\"name\": \"f\", \"arguments\": {\"x\": 1}}, "
                + "{\"name\": \"g\", \"arguments\": {}}]</tool_calls>");
        assertEquals(List.of(new ToolCall("f", "{\"x\":1}"), new ToolCall("g", "{}")), p.calls());
        assertEquals("", p.content());
    }

    @Test
    void textBeforeTheBlockIsContent() {
        ToolCallParser.Parsed p = ToolReplyFilter.map("Let me check. <tool_calls>[{\"name\": \"f\", \"arguments\": {}}]</tool_calls>");
        assertEquals("Let me check.", p.content());
        assertEquals(1, p.calls().size());
    }

    @Test
    void theAssistantMarkerIsDropped() {
        assertEquals("Sunny.", ToolReplyFilter.map("  助手：Sunny.").content());
        assertEquals("A 助手： in the middle stays", ToolReplyFilter.map("A 助手： in the middle stays").content());
        assertEquals("助", ToolReplyFilter.map("助").content(), "a reply that is only the start of the marker is kept");
    }

    @Test
    void malformedJsonStaysInTheContent() {
        String reply = "<tool_calls>[{\"name\": \"f\", \"arguments\": </tool_calls>";
        ToolCallParser.Parsed p = ToolReplyFilter.map(reply);
        assertFalse(p.hasCalls());
        assertEquals(reply, p.content());
    }

    @Test
    void streamingInAnyPieceSizeGivesTheSameResult() {
        String reply = "助手：Checking <tool_calls>[{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}]</tool_calls>";
        ToolCallParser.Parsed whole = ToolReplyFilter.map(reply);
        for (int size = 1; size <= reply.length(); size++) {
            ToolReplyFilter f = new ToolReplyFilter();
            StringBuilder streamed = new StringBuilder();
            for (int i = 0; i < reply.length(); i += size) {
                String out = f.accept(reply.substring(i, Math.min(reply.length(), i + size)));
                assertFalse(out.contains("<"), "no part of the block is streamed as content: " + out);
                streamed.append(out);
            }
            ToolCallParser.Parsed rest = f.finish();
            assertEquals(whole.content(), (streamed + rest.content()).strip(), "piece size " + size);
            assertEquals(whole.calls(), rest.calls(), "piece size " + size);
        }
        assertEquals("Checking", whole.content());
    }

    @Test
    void textThatOnlyLooksLikeTheStartOfATagIsReleased() {
        ToolReplyFilter f = new ToolReplyFilter();
        assertEquals("a ", f.accept("a <tool"));
        assertEquals("<tool> b", f.accept("> b"));
        assertTrue(f.finish().content().isEmpty());
    }
}
