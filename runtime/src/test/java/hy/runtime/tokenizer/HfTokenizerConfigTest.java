package hy.runtime.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hy.runtime.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HfTokenizerConfigTest {
    @Test
    void readsHunyuansTemplateAndNoBos() throws Exception {
        HfTokenizerConfig c = HfTokenizerConfig.read(SharedData.path("hunyuan/tokenizer_config.json"));
        assertTrue(c.chatTemplate().startsWith("{% set loop_messages = messages %}"), c.chatTemplate());
        assertTrue(c.chatTemplate().contains("<|extra_4|>"));
        assertFalse(c.addBosToken());
        assertFalse(c.roles(TokenizerCases.tiktoken().vocabulary()).addBos());
    }

    @Test
    void addBosWhenTheConfigSaysSo(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("tokenizer_config.json");
        Files.writeString(f, "{\"add_bos_token\": true}");
        HfTokenizerConfig c = HfTokenizerConfig.read(f);
        assertNull(c.chatTemplate());
        SpecialTokens s = c.roles(TokenizerCases.tiktoken().vocabulary());
        assertTrue(s.addBos());
        assertEquals(127959, s.bos());
    }
}
