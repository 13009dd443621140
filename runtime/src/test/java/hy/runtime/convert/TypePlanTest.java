package hy.runtime.convert;

import static org.junit.jupiter.api.Assertions.*;

import hy.runtime.tensor.GgmlType;
import java.util.List;
import org.junit.jupiter.api.Test;

class TypePlanTest {
    private static final long[] ROW_4096 = {4096, 4096};
    private static final long[] EXPS = {4096, 3072, 64};

    private static GgmlType type(TypePlan p, String name, long[] ne) {
        return p.choose(name, ne, false).type();
    }

    @Test
    void normsAndRouterStayF32WhateverTheRules() {
        TypePlan p = TypePlan.of(GgmlType.Q4_0).withRule(".*", GgmlType.Q8_0);
        assertEquals(GgmlType.F32, type(p, "blk.0.attn_norm.weight", new long[] {4096}));
        assertEquals(GgmlType.F32, type(p, "blk.0.ffn_gate_inp.weight", new long[] {4096, 64}));
        assertEquals(GgmlType.Q8_0, type(p, "blk.0.attn_q.weight", ROW_4096));
    }

    @Test
    void firstMatchingRuleWins() {
        TypePlan p = TypePlan.of(GgmlType.Q4_0).withRules(List.of(TypePlan.Rule.parse("exps=f16"), TypePlan.Rule.parse("attn_.*=f32")))
                .withRule("blk\\.0\\.", GgmlType.BF16);
        assertEquals(GgmlType.F16, type(p, "blk.0.ffn_up_exps.weight", EXPS), "the first rule beats the later blk.0 rule");
        assertEquals(GgmlType.F32, type(p, "blk.0.attn_v.weight", ROW_4096));
        assertEquals(GgmlType.BF16, type(p, "blk.0.ffn_up_shexp.weight", ROW_4096));
        assertEquals(GgmlType.Q4_0, type(p, "blk.1.ffn_up_shexp.weight", ROW_4096), "no rule: the base type");
    }

    @Test
    void tiedEmbeddingIsTheOutputAndGetsQ6KLikeLlamaQuantize() {
        TypePlan p = TypePlan.of(GgmlType.Q4_0);
        assertEquals(GgmlType.Q6_K, type(p, "token_embd.weight", new long[] {4096, 128167}));
        assertEquals(GgmlType.Q4_0, p.choose("token_embd.weight", new long[] {4096, 128167}, true).type(), "untied: only output.weight is bumped");
        assertEquals(GgmlType.Q6_K, p.choose("output.weight", new long[] {4096, 128167}, true).type());
        assertEquals(GgmlType.Q8_0, type(TypePlan.of(GgmlType.Q8_0), "token_embd.weight", new long[] {4096, 128167}));
        assertEquals(GgmlType.Q4_0, type(p.pure(true), "token_embd.weight", new long[] {4096, 128167}));
        assertEquals(GgmlType.BF16, type(TypePlan.of(GgmlType.BF16), "token_embd.weight", new long[] {4096, 128167}));
    }

    @Test
    void rowsThatDoNotFitFallBackAsLlamaQuantizeDoes() {
        long[] tiny = {64, 32};
        TypePlan.Choice c = TypePlan.of(GgmlType.Q4_K).choose("blk.0.attn_q.weight", tiny, false);
        assertEquals(GgmlType.Q5_0, c.type());
        assertEquals(GgmlType.Q4_K, c.fallbackFrom());
        assertEquals(GgmlType.Q5_1, type(TypePlan.of(GgmlType.Q5_K), "blk.0.attn_q.weight", tiny));
        assertEquals(GgmlType.Q8_0, type(TypePlan.of(GgmlType.Q6_K), "blk.0.attn_q.weight", tiny));
        assertEquals(GgmlType.IQ4_NL, type(TypePlan.of(GgmlType.IQ4_XS), "blk.0.attn_q.weight", tiny));
        assertEquals(GgmlType.F16, type(TypePlan.of(GgmlType.Q4_K), "blk.0.attn_q.weight", new long[] {48, 32}));
        assertEquals(GgmlType.Q8_0, type(TypePlan.of(GgmlType.Q4_0), "token_embd.weight", new long[] {64, 512}), "Q6_K wanted, Q8_0 fits");
        assertNull(TypePlan.of(GgmlType.Q4_K).choose("blk.0.attn_q.weight", ROW_4096, false).fallbackFrom());
    }

    @Test
    void explicitRuleThatDoesNotFitIsAnError() {
        TypePlan p = TypePlan.of(GgmlType.Q8_0).withRule("attn", GgmlType.Q4_K);
        var e = assertThrows(IllegalArgumentException.class, () -> p.choose("blk.0.attn_q.weight", new long[] {64, 64}, false));
        assertTrue(e.getMessage().contains("rows of 64 weights, not a multiple of Q4_K's block of 256"), e.getMessage());
    }

    @Test
    void ruleSyntaxErrorsAreExplained() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TypePlan.Rule.parse("exps")).getMessage().contains("REGEX=TYPE"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TypePlan.Rule.parse("exps=q9")).getMessage().contains("unknown type 'q9'"));
        assertEquals("a=b", TypePlan.Rule.parse("a=b=f32").pattern().pattern(), "the last '=' splits");
    }
}
