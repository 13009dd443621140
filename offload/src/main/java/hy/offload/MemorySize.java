package hy.offload;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Memory sizes as users type them ({@code --gpu-mem 24G}) and as plans print them. Every unit is binary: K, M, G, T
 * with or without "B" or "iB" (24G = 24GB = 24GiB = 24·2³⁰ bytes), since GPU memory is sold and reported in binary
 * units (a "24 GB" card has 24 GiB); a plain number is bytes. Fractions are allowed ("23.5G").
 */
public final class MemorySize {
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(?:([KMGT])(?:I?B)?|B)?", Pattern.CASE_INSENSITIVE);
    private static final double GIB = 1L << 30;

    private MemorySize() {}

    /** Parses {@code 24G}, {@code 24GiB}, {@code 24000M}, {@code 25769803776}; anything else is an error naming the value. */
    public static long parse(String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a memory size; write e.g. 24G, 24GiB, 24000M or a byte count");
        }
        int shift = m.group(2) == null ? 0 : switch (Character.toUpperCase(m.group(2).charAt(0))) {
            case 'K' -> 10;
            case 'M' -> 20;
            case 'G' -> 30;
            default -> 40;
        };
        BigDecimal bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(1L << shift));
        if (bytes.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException("memory size '" + text + "' is too large");
        }
        return bytes.longValue();
    }

    /** "23.47 GiB", "12.50 MiB", "3.00 KiB", "17 B": two decimals in the largest unit that keeps the value ≥ 1. */
    public static String human(long bytes) {
        if (bytes < 1024) return bytes + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        int u = Math.min(units.length, (63 - Long.numberOfLeadingZeros(bytes)) / 10);
        return String.format(Locale.ROOT, "%.2f %s", bytes / Math.pow(1024, u), units[u - 1]);
    }

    /** GiB with two decimals, no unit: "23.47". */
    public static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.2f", bytes / GIB);
    }
}
