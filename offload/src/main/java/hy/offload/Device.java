package hy.offload;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Where a tensor lives, named as llama.cpp names its buffer types in {@code -ot REGEX=DEVICE}: {@code CPU} (host
 * memory, the mapped file) and {@code CUDA0} (the first GPU). One GPU for now; a second would be CUDA1.
 */
public enum Device {
    CPU,
    CUDA0;

    public boolean isGpu() {
        return this != CPU;
    }

    /** Case-insensitive, as users type it after '=' in -ot; an unknown name lists the valid ones. */
    public static Device parse(String name) {
        String n = name.trim().toUpperCase(Locale.ROOT);
        for (Device d : values()) {
            if (d.name().equals(n)) return d;
        }
        throw new IllegalArgumentException("unknown device '" + name.trim() + "'; available devices: " + names());
    }

    /** "CPU, CUDA0". */
    public static String names() {
        return Arrays.stream(values()).map(Device::name).collect(Collectors.joining(", "));
    }
}
