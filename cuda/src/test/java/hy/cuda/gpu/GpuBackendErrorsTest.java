package hy.cuda.gpu;

import static org.junit.jupiter.api.Assertions.*;

import hy.cuda.GpuOutOfMemoryException;
import hy.cuda.backend.CudaBackend;
import hy.runtime.backend.Activations;
import hy.runtime.tensor.GgmlType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** What the CUDA backend says when asked for the impossible, and that NaN poisoning is seen by the checks. */
@Tag("gpu")
class GpuBackendErrorsTest {
    static CudaBackend gpu;

    @BeforeAll
    static void open() {
        gpu = GpuAvailable.open();
    }

    @BeforeEach
    void requireGpu() {
        GpuAvailable.require(gpu);
    }

    @AfterAll
    static void close() {
        if (gpu != null) gpu.close();
    }

    @Test
    void outOfMemorySaysHowMuchWasAskedAndIsFree() {
        long before = gpu.memory().deviceTotal();
        GpuOutOfMemoryException e = assertThrows(GpuOutOfMemoryException.class,
                () -> gpu.kvCache(64, 1 << 20, 8192, GgmlType.F32, GgmlType.F32)); // 2 × 2 TiB
        assertTrue(e.getMessage().contains("KV cache keys") && e.getMessage().contains("free of"), e.getMessage());
        assertTrue(e.requested() > e.free());
        assertEquals(before, gpu.memory().deviceTotal(), "nothing stays allocated after the failure");
    }

    @Test
    void poisonedOutputsReadBackAsNaN() {
        Activations a = gpu.activations(2, 64);
        gpu.poison(a);
        float[] v = new float[128];
        gpu.read(a, v);
        for (float f : v) assertTrue(Float.isNaN(f));
        gpu.release(a);
    }

    @Test
    void uploadAndDownloadRoundTrip() {
        Activations a = gpu.activations(3, 96);
        float[] v = new float[288];
        for (int i = 0; i < v.length; i++) v[i] = i * 0.25f - 7;
        gpu.write(a, v);
        float[] back = new float[288];
        gpu.read(a, back);
        assertArrayEquals(v, back);
        float[] row = new float[96];
        gpu.read(a.rows(1, 2), 1, row);
        assertEquals(v[192], row[0]);
        gpu.release(a);
        assertThrows(IllegalStateException.class, () -> gpu.read(a, back), "use after release");
    }

    @Test
    void mismatchedCacheTypesAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> gpu.kvCache(1, 16, 128, GgmlType.Q8_0, GgmlType.F16));
        assertTrue(e.getMessage().contains("one type"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> gpu.kvCache(1, 16, 128, GgmlType.Q4_0, GgmlType.Q4_0));
    }
}
