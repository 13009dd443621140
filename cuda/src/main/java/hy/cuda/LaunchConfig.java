package hy.cuda;

/**
 * Grid and block sizes of one launch, checked against the limits every CUDA device has (grid x up to 2^31 − 1, y and
 * z up to 65535, at most 1024 threads and 48 KiB of dynamic shared memory without opting in).
 */
public record LaunchConfig(int gridX, int gridY, int gridZ, int blockX, int sharedBytes) {
    public static final int MAX_GRID_Y = 65535;
    public static final int MAX_GRID_Z = 65535;

    public LaunchConfig {
        if (gridX < 1 || gridY < 1 || gridZ < 1) throw new IllegalArgumentException("empty grid " + gridX + "×" + gridY + "×" + gridZ);
        if (gridY > MAX_GRID_Y || gridZ > MAX_GRID_Z) {
            throw new IllegalArgumentException("grid " + gridX + "×" + gridY + "×" + gridZ + " exceeds 65535 in y or z");
        }
        if (blockX < 1 || blockX > 1024) throw new IllegalArgumentException("block of " + blockX + " threads");
        if (sharedBytes < 0 || sharedBytes > 48 * 1024) throw new IllegalArgumentException("dynamic shared memory " + sharedBytes);
    }

    public static LaunchConfig of(int gridX, int gridY, int gridZ, int blockX) {
        return new LaunchConfig(gridX, gridY, gridZ, blockX, 0);
    }

    public long blocks() {
        return (long) gridX * gridY * gridZ;
    }

    @Override
    public String toString() {
        return "grid " + gridX + "×" + gridY + "×" + gridZ + ", block " + blockX;
    }
}
