package hy.runtime.gguf;

import static org.junit.jupiter.api.Assertions.*;

import hy.runtime.testing.SharedData;
import org.junit.jupiter.api.Test;

class QuantVectorsReadTest {
    @Test
    void opens() throws Exception {
        try (GgufFile f = GgufFile.open(SharedData.path("testdata/quant_vectors.gguf"))) {
            f.metadata().forEach((k, v) -> System.out.println(k + " = " + v.type() + " " + (v.type() == GgufValueType.ARRAY ? v.asArray() + java.util.Arrays.deepToString(new Object[]{v.asArray().values()}) : v.display())));
            f.tensorInfos().forEach(t -> System.out.println(t.name() + " " + t.type() + " " + java.util.Arrays.toString(t.ne()) + " " + t.byteSize() + " @" + t.offset()));
            assertEquals(40, f.tensorInfos().size());
        }
    }
}
