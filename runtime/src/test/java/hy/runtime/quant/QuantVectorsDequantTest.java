package hy.runtime.quant;

import static org.junit.jupiter.api.Assertions.*;

import hy.runtime.gguf.GgufFile;
import hy.runtime.gguf.GgufTensorInfo;
import hy.runtime.tensor.Tensor;
import hy.runtime.testing.SharedData;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every {@code <type>.q} tensor of the shared quant vectors (blocks with an independent dequantization in
 * {@code <type>.ref}) decodes to its reference values.
 */
class QuantVectorsDequantTest {
    private static GgufFile file;

    @BeforeAll
    static void open() throws Exception {
        file = GgufFile.open(SharedData.path("testdata/quant_vectors.gguf"));
    }

    @AfterAll
    static void close() {
        if (file != null) file.close();
    }

    static List<String> quantizedTensors() throws Exception {
        try (GgufFile f = GgufFile.open(SharedData.path("testdata/quant_vectors.gguf"))) {
            return f.tensorInfos().stream().map(GgufTensorInfo::name).filter(n -> n.endsWith(".q")).toList();
        }
    }

    @Test
    void fileHasTheTwentyTypes() throws Exception {
        assertEquals(20, quantizedTensors().size());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("quantizedTensors")
    void dequantizesToReference(String name) {
        Tensor q = file.tensor(name);
        Tensor ref = file.tensor(name.substring(0, name.length() - 2) + ".ref");
        assertTrue(QuantCodecs.supports(q.type()), q.type() + " has no codec");
        float[] got = QuantCodecs.dequantizeAll(q);
        float[] want = QuantCodecs.dequantizeAll(ref);
        assertEquals(want.length, got.length);
        int nonZero = 0;
        for (int i = 0; i < want.length; i++) {
            float tol = 1e-6f * Math.max(Math.abs(want[i]), Float.MIN_NORMAL);
            if (Math.abs(got[i] - want[i]) > tol) {
                fail(q.type() + " element " + i + " (row " + i / q.rowLength() + "): got " + got[i] + ", want " + want[i]);
            }
            if (want[i] != 0) nonZero++;
        }
        assertTrue(nonZero > want.length / 2, "reference is mostly zeros; the comparison would prove little");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("quantizedTensors")
    void rowsDecodeLikeTheWholeTensor(String name) {
        Tensor q = file.tensor(name);
        float[] all = QuantCodecs.dequantizeAll(q);
        long last = q.rowCount() - 1;
        float[] row = QuantCodecs.dequantizeRow(q, last);
        for (int i = 0; i < row.length; i++) assertEquals(all[(int) (last * q.rowLength()) + i], row[i], 0f);
    }
}
