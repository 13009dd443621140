package hy.offload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PlacementRuleTest {
    @Test
    void regexIsSearchedAnywhereInTheName() {
        PlacementRule r = PlacementRule.parse("exps=CPU");
        assertTrue(r.matches("blk.17.ffn_up_exps.weight"));
        assertFalse(r.matches("blk.17.ffn_up_shexp.weight"));
        assertTrue(PlacementRule.parse("^blk\\.1\\.=CPU").matches("blk.1.attn_q.weight"));
        assertFalse(PlacementRule.parse("^blk\\.1\\.=CPU").matches("blk.11.attn_q.weight"));
    }

    @Test
    void deviceNamesAreCaseInsensitive() {
        assertEquals(Device.CUDA0, PlacementRule.parse("attn=cuda0").device());
        assertEquals(Device.CPU, PlacementRule.parse("attn=Cpu").device());
    }

    @Test
    void unknownDeviceListsTheValidOnes() {
        var e = assertThrows(IllegalArgumentException.class, () -> PlacementRule.parse("exps=CUDA1"));
        assertTrue(e.getMessage().contains("'CUDA1'"), e.getMessage());
        assertTrue(e.getMessage().contains("CPU, CUDA0"), e.getMessage());
        assertTrue(e.getMessage().contains("exps=CUDA1"), e.getMessage());
    }

    @Test
    void malformedRulesAreNamed() {
        for (String bad : List.of("exps", "=CPU", "exps=", "ex(ps=CPU")) {
            var e = assertThrows(IllegalArgumentException.class, () -> PlacementRule.parse(bad));
            assertTrue(e.getMessage().contains(bad), e.getMessage());
        }
    }

    @Test
    void theLastEqualsSignSplits() {
        PlacementRule r = PlacementRule.parse("a=b=CUDA0");
        assertEquals("a=b", r.pattern().pattern());
        assertEquals(Device.CUDA0, r.device());
    }

    @Test
    void commaListsAndRepeatedFlagsKeepCommandLineOrder() {
        List<PlacementRule> rules = PlacementRule.parseAll(List.of("attn_q=CUDA0,exps=CPU", "norm=CUDA0", ""));
        assertEquals(List.of("attn_q=CUDA0", "exps=CPU", "norm=CUDA0"), rules.stream().map(PlacementRule::spec).toList());
        assertTrue(rules.stream().allMatch(r -> r.origin().equals(PlacementRule.USER)));
    }
}
