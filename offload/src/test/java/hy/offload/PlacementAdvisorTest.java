package hy.offload;

import static hy.offload.TestModels.GIB;
import static hy.offload.TestModels.rules;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hy.runtime.tensor.GgmlType;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlacementAdvisorTest {
    private static final ModelInventory A13B = TestModels.a13b();

    private static boolean fits(PlacementRequest r) {
        return PlacementPlan.of(A13B, r).fits();
    }

    @Test
    void nothingToSuggestWhenItFits() {
        assertEquals(List.of(), PlacementAdvisor.suggest(A13B, PlacementRequest.defaults(4096, 80 * GIB), 4));
    }

    @Test
    void everySuggestionFitsAndIsTheGentlestOfItsKind() {
        PlacementRequest r = PlacementRequest.defaults(32768, 24 * GIB);
        List<PlacementAdvisor.Suggestion> s = PlacementAdvisor.suggest(A13B, r, 4);
        assertEquals(4, s.size());
        for (PlacementAdvisor.Suggestion x : s) {
            assertTrue(x.plan().fits(), x.flags());
            assertTrue(fits(x.request()), x.flags());
        }
        // Best first: the fewest layers of experts moved to the CPU.
        PlacementRequest first = s.getFirst().request();
        int n = first.nCpuMoe();
        assertTrue(n > 0 && !first.cpuMoe(), s.getFirst().flags());
        assertFalse(fits(r.withCpuMoe(false, n - 1)), "--n-cpu-moe " + (n - 1) + " would have fitted");
        assertEquals("-ngl 99 --n-cpu-moe " + n + " -c 32768", s.getFirst().flags());
        assertEquals("-ngl 99 --cpu-moe -c 32768", s.get(1).flags());
    }

    @Test
    void aSmallerContextIsTheLongestThatFits() {
        PlacementRequest r = PlacementRequest.defaults(131072, 8 * GIB).withUserRules(rules("exps=CPU"));
        PlacementAdvisor.Suggestion c = PlacementAdvisor.suggest(A13B, r, 8).stream()
                .filter(x -> x.change().equals("-c " + x.request().contextLength())).findFirst().orElseThrow();
        int ctx = c.request().contextLength();
        assertTrue(ctx < 131072 && ctx % 1024 == 0, c.flags());
        assertFalse(fits(r.withContextLength(ctx + 1024)));
        List<String> flags = PlacementAdvisor.suggest(A13B, r, 8).stream().map(PlacementAdvisor.Suggestion::flags).toList();
        assertTrue(flags.stream().anyMatch(f -> f.contains("-ctk q8_0 -ctv q8_0")), flags.toString());
    }

    @Test
    void combinationsAreNotSupersetsOfAFittingSuggestion() {
        PlacementRequest r = PlacementRequest.defaults(32768, 24 * GIB);
        for (PlacementAdvisor.Suggestion s : PlacementAdvisor.suggest(A13B, r, 8)) {
            assertFalse(s.change().startsWith("--cpu-moe") && s.change().contains(" + "), s.change());
        }
    }

    @Test
    void withoutAGpuTheAdviceIsTheCpu() {
        PlacementRequest r = PlacementRequest.defaults(4096, 0).withGpuLayers(99).withUserRules(rules("attn=CUDA0", "exps=CPU"));
        List<PlacementAdvisor.Suggestion> s = PlacementAdvisor.suggest(A13B, r, 4);
        assertEquals(1, s.size());
        assertEquals("-ngl 0 -ot exps=CPU -c 4096", s.getFirst().flags());
        assertEquals(0, s.getFirst().plan().total(Device.CUDA0));
    }

    @Test
    void adviceNamesTheOverflowThenTheFlags() {
        PlacementRequest r = PlacementRequest.defaults(32768, 24 * GIB).withCacheTypes(GgmlType.F32, GgmlType.F32);
        PlacementPlan p = PlacementPlan.of(A13B, r);
        List<String> lines = PlacementAdvisor.adviceLines(p, PlacementAdvisor.suggest(A13B, r, 2));
        assertTrue(lines.get(0).startsWith("does not fit: CUDA0 needs "), lines.get(0));
        assertEquals("these fit instead:", lines.get(1));
        assertTrue(lines.get(2).startsWith("  -ngl 99 --n-cpu-moe "), lines.get(2));
        assertTrue(lines.get(2).contains("-ctk f32 -ctv f32"), lines.get(2));
        assertEquals(4, lines.size());
    }
}
