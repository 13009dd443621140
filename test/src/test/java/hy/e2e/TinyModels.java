package hy.e2e;

import hy.runtime.convert.SyntheticModel;
import hy.runtime.convert.TypePlan;
import hy.runtime.engine.LoadedModel;
import hy.runtime.tensor.GgmlType;
import java.io.IOException;
import java.nio.file.Path;

/** Tiny Hunyuan-shaped models with a byte-level vocabulary, written by hy synth's library. */
final class TinyModels {
    private TinyModels() {}

    static Path write(Path dir, GgmlType type, long seed) throws IOException {
        Path p = dir.resolve("tiny-" + type.name().toLowerCase() + "-" + seed + ".gguf");
        SyntheticModel.write(p, LoadedModel.EMBEDDED, TypePlan.of(type), seed);
        return p;
    }
}
