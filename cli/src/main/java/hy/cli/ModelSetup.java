package hy.cli;

import hy.offload.Device;
import hy.offload.ModelInventory;
import hy.offload.PlacementAdvisor;
import hy.offload.PlacementPlan;
import hy.offload.exec.Execution;
import hy.cuda.backend.CudaBackend;
import hy.runtime.backend.Backend;
import hy.runtime.backend.ExpertSelection;
import hy.runtime.cpu.NativeKernels;
import hy.runtime.cpu.backend.CpuBackend;
import hy.runtime.engine.LoadedModel;
import hy.runtime.engine.ModelSource;
import hy.runtime.model.HunyuanConfig;
import java.io.IOException;
import java.io.PrintWriter;

/**
 * Turns {@link ModelOptions} into a loaded model: opens the source (file, embedded or synthetic), plans where every
 * tensor goes (-ngl, -ot, --cpu-moe, --gpu-mem, --auto), picks the CPU, GPU or hybrid executor, and reports on
 * stderr what runs where.
 */
final class ModelSetup {
    private ModelSetup() {}

    static LoadedModel load(ModelOptions o, PrintWriter err) throws IOException {
        return load(o, null, err, 4096);
    }

    static LoadedModel load(ModelOptions o, SyntheticOptions synth, PrintWriter err) throws IOException {
        return load(o, synth, err, 4096);
    }

    /**
     * @param synth          may be null; selects an in-memory synthetic model
     * @param defaultContext the command's context length when -c is absent (the plan sizes the KV cache with it)
     */
    static LoadedModel load(ModelOptions o, SyntheticOptions synth, PrintWriter err, int defaultContext) throws IOException {
        if (o.ubatch < 1) throw new IllegalArgumentException("-ub must be at least 1");
        if (o.batch < 1) throw new IllegalArgumentException("-b must be at least 1");
        if (o.contextLength != null && o.contextLength < 0) throw new IllegalArgumentException("-c must be >= 0");
        if (o.ser != null) parseSer(o.ser, 8); // reject a malformed -ser before loading anything
        boolean synthetic = synth != null && synth.enabled;
        if (synthetic && o.model != null) throw new IllegalArgumentException("give either -m or --synthetic, not both");
        ModelSource source = openSource(o, synth, err);
        try {
            HunyuanConfig cfg = source.config();
            int ctx = contextLength(o, cfg, defaultContext);
            int ub = Math.min(o.ubatch, o.batch);
            Backend cpu = new CpuBackend(o.effectiveThreads(), o.repack, o.noMmap);
            GpuMemory.UploadBar bar = new GpuMemory.UploadBar(err);
            CudaBackend gpu = null;
            LoadedModel m;
            try {
                gpu = GpuMemory.open(o, err, bar);
                PlacementPlan plan = placement(o, source, ctx, gpu, err);
                bar.total = plan.weightBytes(Device.CUDA0);
                Execution ex = Execution.of(plan, cpu, gpu);
                if (gpu != null && ex.runner() == cpu) {
                    gpu.close();
                    gpu = null;
                }
                m = LoadedModel.load(source, ex.backendFor(), ex.runner(), ub);
                bar.finish();
                if (ex.runner() == gpu) cpu.close(); // everything is on the GPU: the CPU backend's pool is not needed
            } catch (RuntimeException e) {
                if (gpu != null) gpu.close();
                cpu.close();
                throw e;
            }
            if (o.ser != null) m.model().setExpertSelection(parseSer(o.ser, cfg.expertsUsed()));
            describe(o, source, m, err);
            return m;
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
    }

    private static ModelSource openSource(ModelOptions o, SyntheticOptions synth, PrintWriter err) throws IOException {
        if (synth != null && synth.enabled) {
            err.println("hy: building synthetic weights in memory (" + synth.config().layers() + " layers, "
                    + ByteSizes.human(hy.runtime.convert.SyntheticModel.plan(synth.config(), synth.types()).totalBytes()) + ")");
            ProgressBar bar = new ProgressBar(err);
            ModelSource s = ModelSource.synthetic(synth.config(), synth.types(), 42, o.effectiveThreads(), bar);
            bar.finish();
            return s;
        }
        return o.model == null ? ModelSource.embedded() : ModelSource.open(o.model);
    }

    /**
     * The placement plan. Without a GPU, flags that ask for one are reported and everything runs on the CPU; with one,
     * a plan that does not fit is an error listing flags that do.
     */
    private static PlacementPlan placement(ModelOptions o, ModelSource source, int ctx, CudaBackend gpu, PrintWriter err) {
        ModelInventory inv = ModelInventory.of(source.config(), source.tensors(), source.description());
        if (gpu == null) return PlacementPlan.of(inv, PlacementSetup.request(noGpu(o), ctx, 0));
        long budget = PlacementSetup.budget(o, gpu.freeDeviceMemory());
        PlacementPlan plan = PlacementSetup.plan(o, inv, ctx, budget);
        plan.summaryLines().forEach(l -> err.println("hy: " + l));
        if (!plan.fits()) {
            throw new IllegalArgumentException(String.join("; ", PlacementAdvisor.adviceLines(plan,
                    PlacementAdvisor.suggest(inv, PlacementSetup.request(o, ctx, budget), 3))));
        }
        return plan;
    }

    /** The same options with every GPU placement removed. */
    private static ModelOptions noGpu(ModelOptions o) {
        ModelOptions c = new ModelOptions();
        c.ubatch = o.ubatch;
        c.batch = o.batch;
        c.cacheTypeK = o.cacheTypeK;
        c.cacheTypeV = o.cacheTypeV;
        c.gpuLayers = 0;
        return c;
    }

    private static void describe(ModelOptions o, ModelSource source, LoadedModel m, PrintWriter err) {
        if (source.isEmbedded()) {
            err.println("hy: no -m given: using the embedded tiny model (random weights, its output is noise)");
        } else if (o.model != null && m.randomWeights()) {
            err.println("hy: " + o.model + " has random weights (hy synth): its output is noise");
        }
        err.println("hy: " + m.description() + " | " + m.config().layers() + " layers, " + m.config().experts() + " experts (top "
                + m.config().expertsUsed() + ") | backend " + m.model().backend().name() + ", " + o.effectiveThreads() + " threads");
        err.println("hy: cpu kernels: " + NativeKernels.describe()
                + (o.repack ? " (-rtr: Q4_0/Q8_0 interleaved for them, other types as before)" : ""));
    }

    /** The context length to use: -c, the command's default when -c is absent, the model's when -c is 0. */
    static int contextLength(ModelOptions o, HunyuanConfig cfg, int commandDefault) {
        int c = o.contextLength == null ? commandDefault : o.contextLength;
        return c == 0 ? cfg.contextLength() : c;
    }

    static int contextLength(ModelOptions o, LoadedModel m, int commandDefault) {
        return contextLength(o, m.config(), commandDefault);
    }

    static int contextLength(ModelOptions o, LoadedModel m) {
        return contextLength(o, m, 4096);
    }

    /** -ser KMIN,T for a model using {@code topK} experts per token (KMIN ≤ 0 turns it off, as llama.cpp's "-1,0"). */
    static ExpertSelection parseSer(String spec, int topK) {
        String[] parts = spec.split(",");
        try {
            if (parts.length != 2) throw new NumberFormatException();
            int kmin = Integer.parseInt(parts[0].trim());
            float t = Float.parseFloat(parts[1].trim());
            if (kmin <= 0) return ExpertSelection.topK(topK);
            return new ExpertSelection(topK, Math.min(kmin, topK), t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-ser expects KMIN,THRESHOLD (e.g. -ser 6,0.5), got '" + spec + "'");
        }
    }
}
