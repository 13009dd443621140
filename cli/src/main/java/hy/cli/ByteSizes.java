package hy.cli;

import java.util.Locale;

/** Byte counts for people: "216 B", "1.5 KiB", "45.2 GiB" (binary units, as llama.cpp prints model sizes). */
final class ByteSizes {
    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private ByteSizes() {}

    static String human(long bytes) {
        if (bytes < 1024) return bytes + " B";
        int unit = 0;
        double v = bytes;
        while (v >= 1024 && unit < UNITS.length - 1) {
            v /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, UNITS[unit]);
    }

    /** A count with thousands separators: 80,393,183,232. */
    static String grouped(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
