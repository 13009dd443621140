package hy.cuda.backend;

import hy.cuda.DeviceAllocator;
import hy.cuda.DeviceBuffer;
import hy.cuda.DeviceInfo;
import hy.cuda.Gpu;
import hy.cuda.JCudaGpu;
import hy.cuda.KernelRunner;
import hy.cuda.MemoryAccounting;
import hy.cuda.MemoryCategory;
import hy.cuda.PinnedBuffer;
import hy.cuda.blas.CublasGemm;
import hy.cuda.kernels.AttentionLauncher;
import hy.cuda.kernels.ElementwiseLauncher;
import hy.cuda.kernels.EmbedLauncher;
import hy.cuda.kernels.KvFormat;
import hy.cuda.kernels.LinearLauncher;
import hy.cuda.kernels.MoeLauncher;
import hy.cuda.kernels.NormLauncher;
import hy.cuda.kernels.WeightFormat;
import hy.runtime.backend.Activations;
import hy.runtime.backend.Backend;
import hy.runtime.backend.ExpertRouting;
import hy.runtime.backend.ExpertSelection;
import hy.runtime.backend.KvCache;
import hy.runtime.backend.MoeWeights;
import hy.runtime.backend.RecordedStep;
import hy.runtime.backend.StepRecording;
import hy.runtime.backend.Weight;
import hy.runtime.backend.WeightStaging;
import hy.runtime.tensor.GgmlType;
import hy.runtime.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Every op on one NVIDIA GPU. Weights are uploaded once at {@link #weight} (through pinned staging buffers, the
 * same tensor only once even when the model uses it twice), activations and the KV cache live in device memory, each
 * op is one or a few kernel launches on one stream, and only {@link #read} waits for the device.
 *
 * <p>Per-step inputs (token ids, positions) reach the kernels through device memory, so a decode step can be captured
 * once with {@link #captureStep} and replayed as one graph launch (HunyuanModel does so through {@link StepRecording}).
 */
public final class CudaBackend implements Backend, WeightStaging, StepRecording {

    /**
     * @param log receives one-line notes (device, JIT time, whether cuBLAS is used)
     * @param useCublas try cuBLAS for large F16/BF16 products when its library loads
     */
    public record Options(UploadProgress progress, Consumer<String> log, boolean useCublas) {
        public static Options defaults() {
            return new Options(UploadProgress.NONE, m -> System.err.println("hy: cuda: " + m), true);
        }

        public Options withProgress(UploadProgress p) {
            return new Options(p, log, useCublas);
        }

        public Options withLog(Consumer<String> l) {
            return new Options(progress, l, useCublas);
        }

        public Options withCublas(boolean on) {
            return new Options(progress, log, on);
        }
    }

    /** Batches from this size on use cuBLAS for F16/BF16 weights when it is available. */
    static final int CUBLAS_MIN_TOKENS = 64;
    private static final long STEP_RING_BYTES = 1 << 20;
    private static final long CAPTURE_RING_BYTES = 64 << 10;
    private static final int QUIET_NAN = 0x7FC00000;

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final Gpu gpu;
    private final MemoryAccounting accounting = new MemoryAccounting();
    private final DeviceAllocator allocator;
    private final EmbedLauncher embedding;
    private final NormLauncher norms;
    private final LinearLauncher linear;
    private final AttentionLauncher attention;
    private final ElementwiseLauncher elementwise;
    private final CudaMoe moe;
    private final Scratch scratch;
    private final RopeTables ropes;
    private final StepUploads stepUploads;
    private final CublasGemm cublas;
    private final WeightStore weights;
    private final StagingSlots staging;
    private PinnedBuffer transfer;
    private StepUploads uploads;
    private boolean capturing;
    private boolean closed;

    /** Opens the GPU that {@link hy.cuda.CudaProbe} found; throws with the probe's reason when there is none. */
    public static CudaBackend open(Options options) {
        long t0 = System.nanoTime();
        JCudaGpu gpu = JCudaGpu.open();
        options.log().accept(gpu.device() + "; kernels loaded in " + (System.nanoTime() - t0) / 1_000_000 + " ms (JIT "
                + gpu.jitSummary() + ")");
        CublasGemm cublas = options.useCublas() ? CublasGemm.tryCreate(gpu.stream(), options.log()) : null;
        try {
            return new CudaBackend(gpu, options, cublas);
        } catch (RuntimeException | Error e) {
            if (cublas != null) cublas.close();
            gpu.close();
            throw e;
        }
    }

    /** The backend on any {@link Gpu} (tests run it on the kernel emulator); it closes the Gpu when closed. */
    public static CudaBackend on(Gpu gpu, Options options) {
        return new CudaBackend(gpu, options, null);
    }

    private CudaBackend(Gpu gpu, Options options, CublasGemm cublas) {
        this.gpu = gpu;
        try {
            allocator = new DeviceAllocator(gpu, accounting);
            KernelRunner runner = gpu.kernels();
            embedding = new EmbedLauncher(runner);
            norms = new NormLauncher(runner);
            linear = new LinearLauncher(runner);
            attention = new AttentionLauncher(runner);
            elementwise = new ElementwiseLauncher(runner);
            moe = new CudaMoe(linear, new MoeLauncher(runner), elementwise, gpu);
            scratch = own(new Scratch(allocator, gpu));
            ropes = own(new RopeTables(gpu, allocator));
            WeightUploader uploader = own(new WeightUploader(gpu, allocator, options.progress()));
            weights = own(new WeightStore(allocator, uploader));
            staging = own(new StagingSlots(gpu, allocator, () -> capturing));
            stepUploads = own(new StepUploads(STEP_RING_BYTES, gpu, allocator, false));
            uploads = stepUploads;
            this.cublas = cublas;
            if (cublas != null) own(cublas);
        } catch (RuntimeException | Error e) {
            closeResources();
            throw e;
        }
    }

    private <T extends AutoCloseable> T own(T r) {
        resources.add(r);
        return r;
    }

    @Override
    public String name() {
        return "CUDA";
    }

    public DeviceInfo device() {
        return gpu.device();
    }

    /** Device memory held per category. */
    public MemoryAccounting memory() {
        return accounting;
    }

    /** Bytes of device memory free right now (the placement budget starts from this). */
    public long freeDeviceMemory() {
        return gpu.memoryInfo()[0];
    }

    /** Whether {@code w} was prepared by this backend (and not released), or is staged in one of its slots now. */
    public boolean owns(Weight w) {
        return weights.owns(w) || w instanceof CudaWeight c && staging.owns(c);
    }

    private void enter() {
        if (closed) throw new IllegalStateException("the CUDA backend is closed");
        gpu.bind();
    }

    private void notWhileCapturing(String what) {
        if (capturing) throw new IllegalStateException(what + " during graph capture: prepare weights, buffers and caches before capturing");
    }

    // ---- memory ---------------------------------------------------------------------------------------------------

    /**
     * Uploads a tensor once: a second call for the same mapped bytes (the output tied to the embedding) returns the
     * first upload. The bytes must stay mapped while the weight is in use; {@link #release} it before unmapping.
     */
    @Override
    public Weight weight(Tensor t) {
        enter();
        notWhileCapturing("weight upload");
        return weights.get(t);
    }

    @Override
    public Activations activations(int tokens, int width) {
        enter();
        notWhileCapturing("allocation");
        if (tokens <= 0 || width <= 0) throw new IllegalArgumentException("activations of " + tokens + "×" + width);
        DeviceBuffer b = allocator.allocate(4L * tokens * width, MemoryCategory.ACTIVATIONS, "activations " + tokens + "×" + width);
        return new CudaActivations(this, b, 0, tokens, width, tokens);
    }

    @Override
    public KvCache kvCache(int layers, int contextLength, int kvDim, GgmlType kType, GgmlType vType) {
        enter();
        notWhileCapturing("allocation");
        KvFormat f = KvFormat.of(kType);
        if (f == null) throw new IllegalArgumentException("-ctk " + kType.name().toLowerCase() + " is not a CUDA cache type (use f16, bf16, q8_0 or f32)");
        if (kType != vType) {
            throw new IllegalArgumentException("the CUDA backend keeps keys and values in one type; got -ctk " + kType.name().toLowerCase()
                    + " and -ctv " + vType.name().toLowerCase());
        }
        if (kvDim % 32 != 0) throw new IllegalArgumentException("KV width " + kvDim + " is not a multiple of 32");
        long bytes = CudaKvCache.bytes(f, layers, contextLength, kvDim);
        DeviceBuffer k = allocator.allocate(bytes, MemoryCategory.KV_CACHE, "KV cache keys (" + contextLength + " positions)");
        DeviceBuffer v;
        try {
            v = allocator.allocate(bytes, MemoryCategory.KV_CACHE, "KV cache values (" + contextLength + " positions)");
        } catch (RuntimeException e) {
            k.close();
            throw e;
        }
        return new CudaKvCache(f, layers, contextLength, kvDim, k, v);
    }

    /**
     * Copies host-resident tensors into staging slot {@code slot} on the copy queue (see {@link StagingSlots}): how the
     * hybrid executor runs CPU-resident experts on the GPU for big batches.
     */
    @Override
    public boolean canStage(Tensor t) {
        return CudaWeight.computable(t);
    }

    @Override
    public Staged stage(int slot, List<Tensor> tensors) {
        enter();
        notWhileCapturing("expert staging");
        return staging.stage(slot, tensors);
    }

    /** Bytes copied into staging slots so far. */
    public long stagedBytes() {
        return staging.bytesCopied();
    }

    /** Frees a weight's device memory now (the executor streaming experts, checks that upload many tensors). */
    public void release(Weight w) {
        enter();
        notWhileCapturing("release");
        CudaWeight c = CudaWeight.of(w, this);
        gpu.synchronize(); // queued kernels may still read it
        weights.release(c);
    }

    /** Frees activations made by {@link #activations} (the whole matrix, not a row view). */
    public void release(Activations a) {
        enter();
        notWhileCapturing("release");
        CudaActivations c = CudaActivations.of(a, this);
        if (!c.isWholeMatrix()) {
            throw new IllegalArgumentException("release the activations matrix itself, not a view of some of its rows");
        }
        gpu.synchronize();
        c.buffer.close();
    }

    // ---- ops ------------------------------------------------------------------------------------------------------

    @Override
    public void embed(Weight table, int[] tokens, Activations out) {
        enter();
        CudaWeight t = CudaWeight.of(table, this);
        CudaActivations o = CudaActivations.of(out, this);
        if (tokens.length != o.tokens || t.rowLength() != o.width) {
            throw new IllegalArgumentException("embed: " + tokens.length + " tokens of " + t.rowLength() + " into " + o.tokens + "×" + o.width);
        }
        for (int id : tokens) {
            if (id < 0 || id >= t.rows()) throw new IllegalArgumentException("token id " + id + " is outside the embedding table (0.." + (t.rows() - 1) + ")");
        }
        embedding.embed(t.format(), t.address(), t.rowBytes(), t.rowLength(), uploads.tokens(tokens), tokens.length, o.address());
    }

    @Override
    public void rmsNorm(Activations x, Weight gamma, float eps, Activations out) {
        enter();
        CudaActivations a = CudaActivations.of(x, this), o = CudaActivations.of(out, this);
        CudaWeight g = CudaWeight.of(gamma, this);
        if (a.tokens != o.tokens || a.width != o.width || g.rowLength() != a.width) {
            throw new IllegalArgumentException("rmsNorm: x " + a.tokens + "×" + a.width + ", gamma " + g.rowLength() + ", out " + o.tokens + "×" + o.width);
        }
        norms.rmsNorm(a.address(), g.address(), eps, o.address(), a.width, a.tokens);
    }

    @Override
    public void matmul(Weight w, Activations x, Activations out) {
        enter();
        CudaWeight cw = CudaWeight.of(w, this);
        CudaActivations a = CudaActivations.of(x, this), o = CudaActivations.of(out, this);
        if (cw.rowLength() != a.width || cw.rows() != o.width || a.tokens != o.tokens || cw.experts() != 1) {
            throw new IllegalArgumentException("matmul shape mismatch: " + cw.tensor() + " with x " + a.tokens + "×" + a.width + " → " + o.tokens + "×" + o.width);
        }
        boolean half = cw.format() == WeightFormat.F16 || cw.format() == WeightFormat.BF16;
        if (cublas != null && half && a.tokens >= CUBLAS_MIN_TOKENS) {
            long x16 = scratch.base(2L * a.elements());
            if (cw.format() == WeightFormat.F16) elementwise.toF16(a.address(), x16, a.elements());
            else elementwise.toBf16(a.address(), x16, a.elements());
            cublas.gemm(cw.format() == WeightFormat.BF16, cw.address(), x16, o.address(), cw.rows(), a.tokens, cw.rowLength());
            return;
        }
        linear.linear(cw.format(), cw.address(), cw.rowBytes(), cw.rowLength(), cw.rows(), a.address(), a.tokens, o.address());
    }

    @Override
    public void ropeThenNorm(Activations x, int headDim, int startPos, double ropeBase, Weight gamma, float eps) {
        enter();
        CudaActivations a = CudaActivations.of(x, this);
        CudaWeight g = CudaWeight.of(gamma, this);
        if (a.width % headDim != 0 || g.rowLength() != headDim) {
            throw new IllegalArgumentException("ropeThenNorm: width " + a.width + ", head dimension " + headDim + ", gamma " + g.rowLength());
        }
        long invFreq = ropes.table(headDim, ropeBase, capturing);
        norms.ropeNorm(a.address(), a.width / headDim, headDim, uploads.position(startPos), invFreq, g.address(), eps, a.tokens);
    }

    @Override
    public void attention(Activations q, Activations k, Activations v, KvCache cache, int layer, int startPos, int headDim,
            Activations out) {
        enter();
        CudaActivations cq = CudaActivations.of(q, this), ck = CudaActivations.of(k, this), cv = CudaActivations.of(v, this),
                co = CudaActivations.of(out, this);
        if (!(cache instanceof CudaKvCache c)) throw new IllegalArgumentException("KV cache of another backend passed to the CUDA backend");
        int n = cq.tokens;
        if (ck.tokens != n || cv.tokens != n || co.tokens != n || ck.width != c.kvDim || cv.width != c.kvDim || co.width != cq.width) {
            throw new IllegalArgumentException("attention: q " + n + "×" + cq.width + ", k/v width " + ck.width + "/" + cv.width
                    + ", cache width " + c.kvDim + ", out " + co.tokens + "×" + co.width);
        }
        if (startPos < 0 || startPos + n > c.contextLength) {
            throw new IllegalArgumentException("positions " + startPos + ".." + (startPos + n - 1) + " outside a cache of " + c.contextLength);
        }
        AttentionLauncher.Heads heads = new AttentionLauncher.Heads(cq.width / headDim, c.kvDim / headDim, headDim);
        long pos = uploads.position(startPos);
        attention.store(c.format, ck.address(), cv.address(), c.keys(layer), c.values(layer), c.rowBytes, pos, n, c.kvDim);
        long partialFloats = AttentionLauncher.scratchFloats(c.format, heads, n, c.contextLength);
        long partial = partialFloats == 0 ? 0 : scratch.base(4 * partialFloats);
        attention.attend(c.format, heads, cq.address(), c.keys(layer), c.values(layer), c.rowBytes, pos, n, c.contextLength,
                partial, co.address());
    }

    @Override
    public void moe(Activations x, MoeWeights w, ExpertSelection selection, Activations acc) {
        enter();
        CudaActivations a = CudaActivations.of(x, this), o = CudaActivations.of(acc, this);
        if (a.tokens != o.tokens || a.width != o.width) throw new IllegalArgumentException("moe: x " + a.tokens + "×" + a.width + ", acc " + o.tokens + "×" + o.width);
        CudaMoe.Weights cw = new CudaMoe.Weights(CudaWeight.of(w.router(), this), CudaWeight.of(w.gateExps(), this),
                CudaWeight.of(w.upExps(), this), CudaWeight.of(w.downExps(), this), CudaWeight.of(w.gateShared(), this),
                CudaWeight.of(w.upShared(), this), CudaWeight.of(w.downShared(), this));
        moe.run(a.address(), a.tokens, a.width, cw, selection, o.address(), scratch);
    }

    /** A dense SwiGLU FFN (the shared expert on its own): acc += Wdown · (silu(Wgate x) ⊙ Wup x). */
    public void ffn(Activations x, Weight gate, Weight up, Weight down, Activations acc) {
        enter();
        CudaActivations a = CudaActivations.of(x, this), o = CudaActivations.of(acc, this);
        CudaWeight g = CudaWeight.of(gate, this), u = CudaWeight.of(up, this), d = CudaWeight.of(down, this);
        int n = a.tokens, ff = g.rows();
        if (g.rowLength() != a.width || u.rowLength() != a.width || u.rows() != ff || d.rowLength() != ff || d.rows() != o.width
                || o.tokens != n) {
            throw new IllegalArgumentException("ffn shapes: x " + n + "×" + a.width + ", gate " + g.tensor() + ", up " + u.tensor()
                    + ", down " + d.tensor() + ", acc " + o.tokens + "×" + o.width);
        }
        ScratchLayout l = new ScratchLayout();
        long gOff = l.floats((long) n * ff), uOff = l.floats((long) n * ff), yOff = l.floats((long) n * o.width);
        long base = scratch.base(l.size());
        linear.linear(g.format(), g.address(), g.rowBytes(), a.width, ff, a.address(), n, base + gOff);
        linear.linear(u.format(), u.address(), u.rowBytes(), a.width, ff, a.address(), n, base + uOff);
        elementwise.swiglu(base + gOff, base + uOff, base + gOff, (long) n * ff);
        linear.linear(d.format(), d.address(), d.rowBytes(), ff, o.width, base + gOff, n, base + yOff);
        elementwise.add(o.address(), base + yOff, o.elements());
    }

    @Override
    public void routedExperts(Activations x, ExpertRouting routing, Weight gateExps, Weight upExps, Weight downExps,
            Activations acc) {
        routedExperts(x, routing.topK(), routing.ids(), routing.weights(), gateExps, upExps, downExps, acc);
    }

    /**
     * The routed experts for a routing decided on the host: acc[t] += Σ_j weights[t·topK + j] · FFN_ids[t·topK + j](x[t])
     * over slots whose id is not −1. (Backend's {@code routedExperts(x, ExpertRouting, ...)} passes its arrays here.)
     */
    public void routedExperts(Activations x, int topK, int[] ids, float[] weights, Weight gateExps, Weight upExps,
            Weight downExps, Activations acc) {
        enter();
        CudaActivations a = CudaActivations.of(x, this), o = CudaActivations.of(acc, this);
        CudaWeight g = CudaWeight.of(gateExps, this), u = CudaWeight.of(upExps, this), d = CudaWeight.of(downExps, this);
        int n = a.tokens;
        if (ids.length != n * topK || weights.length != n * topK || o.tokens != n || o.width != a.width) {
            throw new IllegalArgumentException("routed experts: " + n + " tokens × top-" + topK + " but " + ids.length + " ids, "
                    + weights.length + " weights, acc " + o.tokens + "×" + o.width);
        }
        for (int id : ids) {
            if (id < -1 || id >= g.experts()) throw new IllegalArgumentException("expert id " + id + " outside 0.." + (g.experts() - 1));
        }
        moe.routedOnly(a.address(), n, a.width, g, u, d, topK, uploads.ints(ids), uploads.floats(weights), o.address(), scratch);
    }

    @Override
    public void add(Activations acc, Activations x) {
        enter();
        CudaActivations a = CudaActivations.of(acc, this), b = CudaActivations.of(x, this);
        if (a.tokens != b.tokens || a.width != b.width) throw new IllegalArgumentException("add: " + a.tokens + "×" + a.width + " += " + b.tokens + "×" + b.width);
        elementwise.add(a.address(), b.address(), a.elements());
    }

    // ---- host transfers -------------------------------------------------------------------------------------------

    @Override
    public void read(Activations a, int row, float[] dst) {
        CudaActivations c = CudaActivations.of(a, this);
        if (row < 0 || row >= c.tokens) throw new IndexOutOfBoundsException("row " + row + " of " + c.tokens);
        read(c.rows(row, 1), dst);
    }

    /** Copies all rows of {@code a} to {@code dst} (row-major), waiting for the device. */
    public void read(Activations a, float[] dst) {
        enter();
        notWhileCapturing("read-back");
        CudaActivations c = CudaActivations.of(a, this);
        long bytes = 4 * c.elements();
        if (dst.length < c.elements()) throw new IllegalArgumentException("destination of " + dst.length + " floats for " + c.elements());
        PinnedBuffer p = transfer(bytes);
        gpu.copyToHost(p.segment(), c.buffer.address(c.byteOffset(0), bytes), bytes);
        gpu.synchronize();
        MemorySegment.copy(p.segment(), ValueLayout.JAVA_FLOAT, 0, dst, 0, (int) c.elements());
    }

    /** Writes {@code src} (row-major) into all rows of {@code a}: how activations computed elsewhere come in. */
    public void write(Activations a, float[] src) {
        enter();
        notWhileCapturing("upload");
        CudaActivations c = CudaActivations.of(a, this);
        long bytes = 4 * c.elements();
        if (src.length < c.elements()) throw new IllegalArgumentException("source of " + src.length + " floats for " + c.elements());
        PinnedBuffer p = transfer(bytes);
        MemorySegment.copy(src, 0, p.segment(), ValueLayout.JAVA_FLOAT, 0, (int) c.elements());
        gpu.copyToDevice(c.buffer.address(c.byteOffset(0), bytes), p.segment(), bytes);
        gpu.synchronize(); // the pinned buffer is reused by the next transfer
    }

    /** Fills {@code a} with NaN (checks poison outputs so that an element a kernel never wrote cannot pass). */
    public void poison(Activations a) {
        enter();
        CudaActivations c = CudaActivations.of(a, this);
        gpu.fill32(c.buffer.address(c.byteOffset(0), 4 * c.elements()), QUIET_NAN, c.elements());
    }

    private PinnedBuffer transfer(long bytes) {
        if (transfer == null || transfer.bytes() < bytes) {
            if (transfer != null) transfer.close();
            transfer = allocator.allocateHost(Math.max(bytes, 1 << 20), false);
        }
        return transfer;
    }

    /**
     * Diagnostics: wait for each kernel right after its launch, so that a fault (illegal address, ...) is reported
     * by the launch that caused it instead of by a later call. Slows everything down; also -Dhy.cuda.sync=true.
     */
    public void setSynchronousLaunches(boolean on) {
        gpu.setSyncEachLaunch(on);
    }

    /** Waits until every queued op has finished (for timing). */
    public void synchronize() {
        enter();
        gpu.synchronize();
    }

    Gpu gpu() {
        return gpu;
    }

    // ---- graphs ---------------------------------------------------------------------------------------------------

    /**
     * Captures the ops {@code step} issues (e.g. one decode step up to the logits, without reading them) into a graph.
     * Token ids and positions passed to the ops become slots that {@link CudaStepGraph#launch} rewrites. Run the same
     * step once normally first, so that scratch memory and RoPE tables exist.
     */
    public CudaStepGraph captureStep(int tokens, Runnable step) {
        enter();
        notWhileCapturing("graph capture");
        StepUploads recorded = new StepUploads(CAPTURE_RING_BYTES, gpu, allocator, true);
        uploads = recorded;
        capturing = true;
        scratch.freeze(true);
        try {
            Gpu.Replay g = gpu.capture(step);
            return new CudaStepGraph(this, g, recorded, tokens, scratch.generation());
        } catch (RuntimeException | Error e) {
            recorded.close();
            throw e;
        } finally {
            uploads = stepUploads;
            capturing = false;
            scratch.freeze(false);
        }
    }

    /** {@link #captureStep}. */
    @Override
    public RecordedStep record(int tokens, Runnable step) {
        return captureStep(tokens, step);
    }

    /** Whether a graph captured at scratch {@code generation} still holds valid addresses (scratch moves when it grows). */
    boolean replayable(int generation) {
        return !closed && generation == scratch.generation();
    }

    /** Called before each replay. */
    void beforeReplay(int generation) {
        enter();
        if (!replayable(generation)) {
            throw new IllegalStateException("scratch memory moved since this graph was captured (a larger batch ran); capture it again");
        }
    }

    @Override
    public void close() {
        if (closed) return;
        gpu.bind();
        gpu.synchronize();
        closed = true;
        if (transfer != null) transfer.close();
        closeResources();
        gpu.close();
    }

    private void closeResources() {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                // keep closing the rest: the context release frees whatever is left
            }
        }
        resources.clear();
    }
}
