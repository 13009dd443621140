package hy.cuda;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import hy.cuda.kernels.KvFormat;
import hy.cuda.kernels.WeightFormat;
import hy.runtime.quant.QuantCodecs;
import hy.runtime.tensor.GgmlType;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the kernels' format code (quant_blocks.cuh decoders, kv_formats.cuh cache encoders) on the CPU, compiled by
 * nvcc as host code (kernels-ptx/host-check/decode_check.cu), against the Java codecs: random rows of every weight
 * format must decode to the Java values bit for bit, and cache rows must encode to the Java bytes. No GPU needed;
 * skipped when nvcc is not on PATH.
 */
class HostFormatCheckTest {
    @TempDir
    Path tmp;

    @Test
    void kernelFormatCodeEqualsTheJavaCodecs() throws Exception {
        Path nvcc = Toolkit.onPath("nvcc");
        assumeTrue(nvcc != null, "nvcc is not on PATH: host check of the kernel format code skipped");
        long seed = System.nanoTime();
        Path cases = tmp.resolve("cases.bin");
        int count = writeCases(cases, new Random(seed));
        Path exe = tmp.resolve("decode_check");
        Path src = KernelSources.DIR.getParent().resolve("host-check/decode_check.cu");
        Toolkit.Result build = Toolkit.exec(List.of(nvcc.toString(), "-std=c++17", "-O1", "-o", exe.toString(), src.toString()), 300);
        assertEquals(0, build.code(), "nvcc failed:\n" + build.out());
        Toolkit.Result r = Toolkit.exec(List.of(exe.toString(), cases.toString()), 120);
        assertEquals(0, r.code(), "seed " + seed + ":\n" + r.out());
        assertEquals("ok " + count, r.out().strip());
    }

    /** Rows of 256 values (two super-blocks' worth of units for K-quants), varied scales, a few exact zeros. */
    private static int writeCases(Path file, Random rng) throws IOException {
        int n = 512, count = 0;
        try (OutputStream os = Files.newOutputStream(file); DataOutputStream out = new DataOutputStream(os)) {
            for (WeightFormat f : WeightFormat.values()) {
                for (int rep = 0; rep < 4; rep++) {
                    float[] x = randomRow(rng, n, rep);
                    byte[] bytes = encode(f.type, x);
                    float[] expected = new float[n];
                    try (Arena a = Arena.ofConfined()) {
                        MemorySegment s = a.allocate(bytes.length);
                        MemorySegment.copy(bytes, 0, s, ValueLayout.JAVA_BYTE, 0, bytes.length);
                        QuantCodecs.of(f.type, "case").dequantize(s, 0, expected, 0, n);
                    }
                    record(out, f.suffix(), 0, bytes, expected);
                    count++;
                }
            }
            for (KvFormat f : KvFormat.values()) {
                for (int rep = 0; rep < 4; rep++) {
                    float[] x = randomRow(rng, n, rep);
                    record(out, f.suffix(), 1, encode(f.type, x), x);
                    count++;
                }
            }
        }
        return count;
    }

    private static float[] randomRow(Random rng, int n, int rep) {
        float scale = (float) Math.pow(10, rep - 2);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) rng.nextGaussian() * scale;
        for (int i = 0; i < 32; i++) x[i] = 0f; // an all-zero block exercises the d = 0 paths
        // A block whose Q8_0 scale is exactly 1, so 2.5 and -3.5 are exact ties: half away from zero, not to even.
        x[64] = 127f;
        x[65] = 2.5f;
        x[66] = -3.5f;
        return x;
    }

    private static byte[] encode(GgmlType t, float[] x) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(t.rowBytes(x.length));
            QuantCodecs.quantizeRow(t, x, 0, x.length, s, 0);
            return s.toArray(ValueLayout.JAVA_BYTE);
        }
    }

    private static void record(DataOutputStream out, String name, int op, byte[] bytes, float[] values) throws IOException {
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(1 + n.length + 12 + bytes.length + 4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) n.length).put(n).putInt(op).putInt(values.length).putInt(bytes.length).put(bytes);
        for (float v : values) b.putFloat(v);
        out.write(b.array());
    }
}
