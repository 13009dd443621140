package hy.cuda;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PtxModuleTest {
    @Test
    void enumListsExactlyTheKernelSources() {
        assertEquals(KernelSources.cuFiles(), Arrays.stream(PtxModule.values()).map(PtxModule::fileName).sorted().toList());
    }

    @Test
    void everyModuleIsPackagedWithKernels() {
        for (PtxModule m : PtxModule.values()) {
            String ptx = PtxResources.read(m.fileName());
            assertTrue(ptx.contains(".target sm_80"), m + " targets sm_80");
            assertFalse(PtxSignatures.parse(ptx).isEmpty(), m + " has entry points");
        }
    }

    @Test
    void missingModuleSaysWhatIsMissing() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> PtxResources.read("nonexistent"));
        assertTrue(e.getMessage().contains("hy/ptx/sm80/nonexistent.ptx"), e.getMessage());
    }
}
