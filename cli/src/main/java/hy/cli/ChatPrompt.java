package hy.cli;

import hy.runtime.chat.ChatMessage;
import hy.runtime.chat.HunyuanChatTemplate;
import hy.runtime.engine.LoadedModel;
import java.util.List;

/** Renders prompts with Hunyuan's chat format (the official template's rules, implemented in Java). */
final class ChatPrompt {
    private ChatPrompt() {}

    /** One user turn; {@code thinking} false appends the empty think block (enable_thinking=false). */
    static String singleUserTurn(LoadedModel m, String user, boolean thinking) {
        return HunyuanChatTemplate.render(List.of(ChatMessage.user(user)),
                HunyuanChatTemplate.Options.DEFAULT.withEnableThinking(thinking ? null : Boolean.FALSE));
    }
}
