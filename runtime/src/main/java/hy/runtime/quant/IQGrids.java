package hy.runtime.quant;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The lattice grids of ggml's i-quants (iq2xxs_grid, iq2xs_grid, iq2s_grid, iq1s_grid, iq3xxs_grid, iq3s_grid) and
 * the sign tables ksigns_iq2xs / kmask_iq2xs.
 *
 * <p>The grids are kept in the resource {@code hy/quant/iq_grid_indices.txt} in the compact form ggml-quants.c generates them
 * from: one small integer per grid point holding 2-bit (8 coordinates) or 3-bit (4 coordinates) codes. Each code
 * maps to the byte ggml-common.h stores, so the expanded tables here are ggml's byte for byte. A grid point's
 * coordinates are at {@code grid[index * width + j]}.
 */
final class IQGrids {
    private IQGrids() {}

    static final String RESOURCE = "/hy/quant/iq_grid_indices.txt";

    /** Bytes ggml stores for a 2-bit code of the iq2 grids (0x08, 0x19, 0x2b: about 8.5·(2l+1)). */
    private static final byte[] IQ2_LEVELS = {0x08, 0x19, 0x2b, 0};
    /** iq1s_grid stores the signed values -1, 0, +1. */
    private static final byte[] IQ1_LEVELS = {-1, 0, 1, 0};
    /** iq3xxs_grid levels: 4·(2l+1) except the top one, which ggml stretched to 62. */
    private static final byte[] IQ3XXS_LEVELS = {4, 12, 20, 28, 36, 44, 52, 62};
    /** iq3s_grid stores the odd values 2l+1 directly. */
    private static final byte[] IQ3S_LEVELS = {1, 3, 5, 7, 9, 11, 13, 15};

    static final byte[] IQ2XXS;
    static final byte[] IQ2XS;
    static final byte[] IQ2S;
    static final byte[] IQ1S;
    static final byte[] IQ3XXS;
    static final byte[] IQ3S;

    /** ksigns_iq2xs: 7 stored sign bits plus an eighth that makes the count of minus signs even. */
    static final byte[] KSIGNS = new byte[128];

    static {
        Map<String, int[]> raw = load(RESOURCE);
        IQ2XXS = expand(raw, "iq2xxs", 256, 8, 2, IQ2_LEVELS);
        IQ2XS = expand(raw, "iq2xs", 512, 8, 2, IQ2_LEVELS);
        IQ2S = expand(raw, "iq2s", 1024, 8, 2, IQ2_LEVELS);
        IQ1S = expand(raw, "iq1s", 2048, 8, 2, IQ1_LEVELS);
        IQ3XXS = expand(raw, "iq3xxs", 256, 4, 3, IQ3XXS_LEVELS);
        IQ3S = expand(raw, "iq3s", 512, 4, 3, IQ3S_LEVELS);
        for (int i = 0; i < 128; i++) KSIGNS[i] = (byte) (i | ((Integer.bitCount(i) & 1) << 7));
    }

    private static byte[] expand(Map<String, int[]> raw, String name, int count, int width, int bits, byte[] levels) {
        int[] points = raw.get(name);
        if (points == null || points.length != count) {
            throw new IllegalStateException("grid resource: " + name + " should have " + count + " points");
        }
        // ggml lists the points in increasing order; this also catches a section cut short (trailing zeros).
        for (int k = 1; k < count; k++) {
            if (points[k] <= points[k - 1]) throw new IllegalStateException("grid resource: " + name + " not increasing at " + k);
        }
        byte[] grid = new byte[count * width];
        int mask = (1 << bits) - 1;
        for (int k = 0; k < count; k++) {
            for (int j = 0; j < width; j++) grid[k * width + j] = levels[(points[k] >>> (bits * j)) & mask];
        }
        return grid;
    }

    private static Map<String, int[]> load(String resource) {
        Map<String, int[]> out = new HashMap<>();
        try (InputStream in = IQGrids.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("missing resource " + resource);
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            String name = null;
            int[] values = null;
            int filled = 0;
            for (String line; (line = r.readLine()) != null; ) {
                int hash = line.indexOf('#');
                String text = (hash >= 0 ? line.substring(0, hash) : line).strip();
                if (text.isEmpty()) continue;
                if (text.startsWith("grid ")) {
                    String[] head = text.split("\\s+");
                    name = head[1];
                    values = new int[Integer.parseInt(head[2])];
                    filled = 0;
                    out.put(name, values);
                    continue;
                }
                if (values == null) throw new IllegalStateException("grid resource: numbers before a 'grid' line");
                for (String tok : text.split("\\s+")) {
                    if (filled == values.length) throw new IllegalStateException("grid resource: too many points in " + name);
                    values[filled++] = Integer.parseInt(tok);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
