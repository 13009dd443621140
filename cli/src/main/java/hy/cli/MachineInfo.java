package hy.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A short description of the machine for benchmark footers: CPU model, cores, preferred vector width. */
final class MachineInfo {
    private MachineInfo() {}

    static String describe() {
        String cpu = "unknown CPU";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux: keep the generic name
        }
        int bits = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize();
        return cpu + ", " + Runtime.getRuntime().availableProcessors() + " cores, " + bits + "-bit vectors";
    }
}
