/**
 * Conversations in and out of the model: Hunyuan's chat template ({@link hy.runtime.chat.HunyuanChatTemplate}), the
 * streaming split of its output into reasoning and answer ({@link hy.runtime.chat.ReasoningParser}) and its tool-call
 * format ({@link hy.runtime.chat.ToolCallParser}).
 */
package hy.runtime.chat;
