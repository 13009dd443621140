package hy.offload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hy.runtime.convert.SyntheticModel;
import hy.runtime.convert.TypePlan;
import hy.runtime.gguf.GgufFile;
import hy.runtime.model.HunyuanConfig;
import hy.runtime.tensor.GgmlType;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelInventoryTest {
    @TempDir
    Path dir;

    @Test
    void aFilesTableMatchesThePlanItWasWrittenFrom() throws Exception {
        HunyuanConfig c = TestModels.tinyConfig(3);
        TypePlan types = TypePlan.of(GgmlType.Q8_0).withRule("_exps", GgmlType.Q4_0);
        Path f = dir.resolve("tiny.gguf");
        SyntheticModel.write(f, c, types, 7, SyntheticModel.Options.defaults(c).withThreads(1));
        ModelInventory planned = ModelInventory.of(c, SyntheticModel.plan(c, types), "planned");
        try (GgufFile g = GgufFile.open(f)) {
            ModelInventory read = ModelInventory.of(g);
            assertEquals(planned.tensors(), read.tensors());
            assertEquals(c.layers(), read.config().layers());
            assertTrue(read.tiedOutput());
        }
    }

    @Test
    void groupsAndLayersAreToldByName() {
        assertEquals(TensorGroup.NORMS, TensorGroup.of("blk.3.attn_norm.weight"));
        assertEquals(TensorGroup.ATTENTION, TensorGroup.of("blk.3.attn_q_norm.weight"));
        assertEquals(TensorGroup.ATTENTION, TensorGroup.of("blk.3.attn_output.weight"));
        assertEquals(TensorGroup.ROUTER, TensorGroup.of("blk.3.ffn_gate_inp.weight"));
        assertEquals(TensorGroup.SHARED_EXPERTS, TensorGroup.of("blk.3.ffn_down_shexp.weight"));
        assertEquals(TensorGroup.ROUTED_EXPERTS, TensorGroup.of("blk.3.ffn_gate_exps.weight"));
        assertEquals(TensorGroup.OUTPUT, TensorGroup.of("output_norm.weight"));
        assertEquals(TensorGroup.TOKEN_EMBD, TensorGroup.of("token_embd.weight"));
        assertEquals(TensorGroup.OTHER, TensorGroup.of("rope_freqs.weight"));
        assertEquals(12, ModelInventory.layerOf("blk.12.ffn_norm.weight"));
        assertEquals(-1, ModelInventory.layerOf("output.weight"));
        assertFalse(TestModels.tinyUntied(2).tiedOutput());
    }
}
