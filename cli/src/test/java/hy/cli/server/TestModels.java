package hy.cli.server;

import hy.runtime.backend.Backend;
import hy.runtime.cpu.backend.CpuBackend;
import hy.runtime.engine.LoadedModel;
import java.util.HashMap;
import java.util.Map;

/** The embedded tiny model (byte-level vocabulary, random weights), built once per test JVM and micro-batch size. */
public final class TestModels {
    private TestModels() {}

    private static final Map<Integer, LoadedModel> MODELS = new HashMap<>();

    /** The embedded model with prompt micro-batches of 512 tokens. */
    public static LoadedModel embedded() {
        return embedded(512);
    }

    public static synchronized LoadedModel embedded(int microBatch) {
        return MODELS.computeIfAbsent(microBatch, ub -> {
            Backend cpu = new CpuBackend();
            LoadedModel m = LoadedModel.embedded(cpu, ub);
            Runtime.getRuntime().addShutdownHook(new Thread(m::close));
            return m;
        });
    }
}
