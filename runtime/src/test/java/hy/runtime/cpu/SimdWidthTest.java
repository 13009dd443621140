package hy.runtime.cpu;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The vector width is fixed per JVM (static final species, so that C2 intrinsifies), so the other widths are checked
 * in child JVMs: each runs {@link SimdWidthCheck} (vector kernels against the scalar ones for every type, and a batch
 * through the float product against the dequantized product) with {@code hy.cpu.simd} set.
 */
class SimdWidthTest {
    @ParameterizedTest
    @ValueSource(strings = {"256", "512", "off"})
    void kernelsAgreeWithScalarAtWidth(String width) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--add-modules=jdk.incubator.vector");
        cmd.add("-Dhy.cpu.simd=" + width);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(SimdWidthCheck.class.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = read(p);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM timed out");
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("checked 13 types"), output);
        if (!width.equals("off")) {
            assertTrue(output.contains((Integer.parseInt(width) / 32) + " lanes"), output);
            assertTrue(output.contains(", 5 packed,"), "Q4_0, Q4_K, Q5_K, Q6_K and IQ4_XS packed kernels must be checked: " + output);
            assertTrue(output.contains("on the float path"), "batches must take the float product: " + output);
        }
    }

    private static String read(Process p) throws IOException {
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}
