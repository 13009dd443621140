package hy.cuda;

/**
 * What the driver reports about one GPU.
 *
 * @param driverVersion the CUDA version the driver supports, as 1000 · major + 10 · minor (12040 = 12.4)
 */
public record DeviceInfo(int ordinal, String name, int computeMajor, int computeMinor, int multiprocessors,
        long totalMemory, int driverVersion) {

    public String computeCapability() {
        return computeMajor + "." + computeMinor;
    }

    public static String cudaVersion(int driverVersion) {
        return driverVersion / 1000 + "." + (driverVersion % 1000) / 10;
    }

    @Override
    public String toString() {
        return "CUDA" + ordinal + ": " + name + " (compute " + computeCapability() + ", " + multiprocessors + " SMs, "
                + Bytes.format(totalMemory) + ", driver CUDA " + cudaVersion(driverVersion) + ")";
    }
}
