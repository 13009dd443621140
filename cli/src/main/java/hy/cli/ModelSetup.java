package hy.cli;

import hy.runtime.backend.Backend;
import hy.runtime.backend.ExpertSelection;
import hy.runtime.cpu.backend.CpuBackend;
import hy.runtime.engine.LoadedModel;
import java.io.IOException;
import java.io.PrintWriter;

/**
 * Turns {@link ModelOptions} into a loaded model: chooses the backend(s), opens the file (or builds the embedded
 * model) and reports on stderr what runs where.
 */
final class ModelSetup {
    private ModelSetup() {}

    static LoadedModel load(ModelOptions o, PrintWriter err) throws IOException {
        return load(o, null, err);
    }

    /** As {@link #load(ModelOptions, PrintWriter)}; {@code synth} (may be null) selects an in-memory synthetic model. */
    static LoadedModel load(ModelOptions o, SyntheticOptions synth, PrintWriter err) throws IOException {
        if (o.ubatch < 1) throw new IllegalArgumentException("-ub must be at least 1");
        if (o.batch < 1) throw new IllegalArgumentException("-b must be at least 1");
        if (o.contextLength != null && o.contextLength < 0) throw new IllegalArgumentException("-c must be >= 0");
        boolean wantsGpu = (o.gpuLayers != null && o.gpuLayers > 0) || o.overrides.stream().anyMatch(r -> r.toUpperCase().endsWith("=CUDA0"));
        if (wantsGpu) {
            err.println("hy: no CUDA backend in this build yet; running everything on the CPU");
        }
        Backend cpu = new CpuBackend(o.effectiveThreads(), o.repack);
        int ub = Math.min(o.ubatch, o.batch);
        LoadedModel m;
        if (synth != null && synth.enabled) {
            if (o.model != null) throw new IllegalArgumentException("give either -m or --synthetic, not both");
            ProgressBar bar = new ProgressBar(err);
            err.println("hy: building synthetic weights in memory (" + synth.config().layers() + " layers, "
                    + ByteSizes.human(hy.runtime.convert.SyntheticModel.plan(synth.config(), synth.types()).totalBytes()) + ")");
            m = LoadedModel.synthetic(synth.config(), synth.types(), 42, o.effectiveThreads(), bar, name -> cpu, cpu, ub);
            bar.finish();
        } else {
            m = o.model == null ? LoadedModel.embedded(name -> cpu, cpu, ub) : LoadedModel.open(o.model, name -> cpu, cpu, ub);
        }
        if (o.ser != null) m.model().setExpertSelection(parseSer(o.ser, m.config().expertsUsed()));
        if (o.model == null && (synth == null || !synth.enabled)) {
            err.println("hy: no -m given: using the embedded tiny model (random weights, its output is noise)");
        } else if (o.model != null && m.randomWeights()) {
            err.println("hy: " + o.model + " has random weights (hy synth): its output is noise");
        }
        err.println("hy: " + m.description() + " | " + m.config().layers() + " layers, " + m.config().experts() + " experts (top "
                + m.config().expertsUsed() + ") | backend " + m.model().backend().name() + ", " + o.effectiveThreads() + " threads");
        return m;
    }

    /** The context length to use: -c, the command's default when -c is absent, the model's when -c is 0. */
    static int contextLength(ModelOptions o, LoadedModel m, int commandDefault) {
        int c = o.contextLength == null ? commandDefault : o.contextLength;
        return c == 0 ? m.config().contextLength() : c;
    }

    static int contextLength(ModelOptions o, LoadedModel m) {
        return contextLength(o, m, 4096);
    }

    static ExpertSelection parseSer(String spec, int topK) {
        String[] parts = spec.split(",");
        try {
            if (parts.length != 2) throw new NumberFormatException();
            int kmin = Integer.parseInt(parts[0].trim());
            float t = Float.parseFloat(parts[1].trim());
            if (kmin <= 0) return ExpertSelection.topK(topK); // llama.cpp's "-1,0" means off
            return new ExpertSelection(topK, Math.min(kmin, topK), t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-ser expects KMIN,THRESHOLD (e.g. -ser 6,0.5), got '" + spec + "'");
        }
    }
}
