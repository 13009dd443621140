package hy.offload.exec;

import hy.runtime.backend.Activations;
import hy.runtime.backend.Backend;
import hy.runtime.backend.ExpertRouting;
import hy.runtime.backend.ExpertSelection;
import hy.runtime.backend.KvCache;
import hy.runtime.backend.MoeWeights;
import hy.runtime.backend.Weight;
import hy.runtime.backend.WeightStaging;
import hy.runtime.tensor.GgmlType;
import hy.runtime.tensor.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;

/**
 * The hybrid executor: "ops follow weights". Activations live on the GPU backend; each op runs on the backend that
 * prepared its weights (the placement plan decided that per tensor), and when that is the CPU the op's inputs are
 * copied to host memory and its result copied back — only activations cross the bus, a few KB per token per layer.
 *
 * <p>The MoE layer is split: the router runs with its weights and its logits come to the host, where the top-k is
 * chosen; the shared expert is issued on its device first (on a GPU that work is queued and runs asynchronously)
 * and the routed experts then run on theirs, so the GPU's shared expert overlaps the CPU's routed experts. Each
 * layer's attention and KV cache stay together on one device.
 *
 * <p>Big batches (at least the streaming threshold, when the GPU backend can stage weights) run the CPU-resident
 * experts on the GPU instead: {@link ExpertStreamer} copies each layer's experts into GPU staging slots, the next
 * layer's copy overlapping this layer's computation.
 */
public final class HybridBackend implements Backend {
    private final Backend gpu;
    private final Backend cpu;
    private final IntPredicate attentionOnGpu;
    private final int maxBatch;
    private final ExpertStreamer streamer;
    /** Host-side scratch per (width, slot), maxBatch rows each, for ops that run on the CPU; views cover smaller batches. */
    private final Map<Long, Activations> hostScratch = new HashMap<>();
    private final Map<Long, Activations> gpuScratch = new HashMap<>();
    private float[] transfer = new float[0];

    /**
     * @param gpu            holds the activations (the primary device)
     * @param cpu            runs the ops whose weights are in host memory
     * @param attentionOnGpu whether a layer's attention (and so its KV cache) is on the GPU
     * @param maxBatch       the most tokens an op carries (the model's micro-batch): scratch is sized for it once
     */
    public HybridBackend(Backend gpu, Backend cpu, IntPredicate attentionOnGpu, int maxBatch) {
        this(gpu, cpu, attentionOnGpu, maxBatch, 0);
    }

    /**
     * @param streamMinBatch batches of at least this many tokens run CPU-resident experts on the GPU through staging
     *                       (0: never); needs a GPU backend that implements {@link WeightStaging}
     */
    public HybridBackend(Backend gpu, Backend cpu, IntPredicate attentionOnGpu, int maxBatch, int streamMinBatch) {
        this.gpu = gpu;
        this.cpu = cpu;
        this.attentionOnGpu = attentionOnGpu;
        this.maxBatch = maxBatch;
        this.streamer = streamMinBatch > 0 && streamMinBatch <= maxBatch && gpu instanceof WeightStaging s
                ? new ExpertStreamer(s, streamMinBatch) : null;
    }

    /** Whether big batches stream CPU-resident experts through the GPU. */
    public boolean streamsExperts() {
        return streamer != null;
    }

    /** Layer copies queued into GPU staging so far (0 when not streaming). */
    public long layersStaged() {
        return streamer == null ? 0 : streamer.layersStaged();
    }

    /**
     * Checks that each layer's three expert tensors share a device (the routed experts run where they are), and
     * tells the streamer which layers it may stage: those whose experts are on the CPU in types the GPU computes with
     * (a Q3_K or IQ2 expert keeps running on the CPU at every batch size).
     */
    @Override
    public void layerOrder(List<MoeWeights> ffns) {
        List<MoeWeights> streamed = new java.util.ArrayList<>();
        for (int l = 0; l < ffns.size(); l++) {
            MoeWeights f = ffns.get(l);
            boolean g = onGpu(f.gateExps()), u = onGpu(f.upExps()), d = onGpu(f.downExps());
            if (g != u || g != d) {
                throw new IllegalArgumentException("layer " + l + "'s routed experts are split between CPU and GPU (gate on " + device(g)
                        + ", up on " + device(u) + ", down on " + device(d) + "): place ffn_gate_exps, ffn_up_exps and ffn_down_exps "
                        + "of a layer together (e.g. -ot exps=CPU)");
            }
            if (!g && streamer != null && streamer.canStage(f)) streamed.add(f);
        }
        if (streamer != null) streamer.setLayers(streamed);
    }

    private static String device(boolean gpu) {
        return gpu ? "CUDA0" : "CPU";
    }

    @Override
    public String name() {
        return gpu.name() + "+" + cpu.name();
    }

    @Override
    public Weight weight(Tensor t) {
        throw new UnsupportedOperationException("the hybrid executor does not prepare weights: the placement plan picks the backend per tensor");
    }

    @Override
    public boolean owns(Weight w) {
        return gpu.owns(w) || cpu.owns(w);
    }

    private boolean onGpu(Weight w) {
        if (gpu.owns(w)) return true;
        if (cpu.owns(w)) return false;
        throw new IllegalArgumentException("weight " + w.tensor().name() + " belongs to neither backend of the hybrid executor");
    }

    @Override
    public Activations activations(int tokens, int width) {
        return gpu.activations(tokens, width);
    }

    @Override
    public KvCache kvCache(int layers, int contextLength, int kvDim, GgmlType kType, GgmlType vType) {
        boolean[] on = new boolean[layers];
        for (int l = 0; l < layers; l++) on[l] = attentionOnGpu.test(l);
        return new HybridKvCache(gpu, cpu, on, contextLength, kvDim, kType, vType);
    }

    // ---- moving activations between the two backends

    private static long key(int width, int slot) {
        return (long) slot << 32 | width;
    }

    /** A {@code tokens}-row view of the scratch buffer for (width, slot), allocated once at the micro-batch size. */
    private Activations scratch(Map<Long, Activations> pool, Backend owner, int tokens, int width, int slot) {
        if (tokens > maxBatch) throw new IllegalArgumentException("batch of " + tokens + " tokens exceeds the micro-batch size " + maxBatch);
        return pool.computeIfAbsent(key(width, slot), k -> owner.activations(maxBatch, width)).rows(0, tokens);
    }

    // Host buffers are reused per (shape, slot): slots 0–2 hold inputs copied from the GPU, OUT an op's output,
    // ACC an accumulator.
    private static final int OUT = 3, ACC = 4;

    private Activations host(int tokens, int width, int slot) {
        return scratch(hostScratch, cpu, tokens, width, slot);
    }

    private Activations gpuTemp(int tokens, int width) {
        return scratch(gpuScratch, gpu, tokens, width, 0);
    }

    private float[] transfer(int n) {
        if (transfer.length < n) transfer = new float[n];
        return transfer;
    }

    /** A host copy of GPU activations {@code a} (a scratch buffer reused per shape; {@code slot} keeps several apart). */
    private Activations toHost(Activations a, int slot) {
        Activations h = host(a.tokens(), a.width(), slot);
        float[] buf = transfer(a.tokens() * a.width());
        gpu.read(a, buf);
        cpu.write(h, buf);
        return h;
    }

    private void toGpu(Activations hostSrc, Activations dst) {
        float[] buf = transfer(hostSrc.tokens() * hostSrc.width());
        cpu.read(hostSrc, buf);
        gpu.write(dst, buf);
    }

    /** acc += a result computed into host memory. */
    private void addFromHost(Activations hostResult, Activations acc) {
        Activations tmp = gpuTemp(acc.tokens(), acc.width());
        toGpu(hostResult, tmp);
        gpu.add(acc, tmp);
    }

    private Activations zeroHost(int tokens, int width) {
        Activations h = host(tokens, width, ACC);
        cpu.write(h, new float[tokens * width]);
        return h;
    }

    // ---- ops

    @Override
    public void embed(Weight table, int[] tokens, Activations out) {
        if (onGpu(table)) {
            gpu.embed(table, tokens, out);
            return;
        }
        Activations h = host(out.tokens(), out.width(), OUT);
        cpu.embed(table, tokens, h);
        toGpu(h, out);
    }

    @Override
    public void rmsNorm(Activations x, Weight gamma, float eps, Activations out) {
        if (onGpu(gamma)) {
            gpu.rmsNorm(x, gamma, eps, out);
            return;
        }
        Activations hx = toHost(x, 0), ho = host(out.tokens(), out.width(), OUT);
        cpu.rmsNorm(hx, gamma, eps, ho);
        toGpu(ho, out);
    }

    @Override
    public void matmul(Weight w, Activations x, Activations out) {
        matmulShared(new Weight[] {w}, x, new Activations[] {out});
    }

    @Override
    public void matmulShared(Weight[] ws, Activations x, Activations[] outs) {
        boolean allGpu = true, allCpu = true;
        for (Weight w : ws) {
            boolean g = onGpu(w);
            allGpu &= g;
            allCpu &= !g;
        }
        if (allGpu) {
            gpu.matmulShared(ws, x, outs);
            return;
        }
        Activations hx = null;
        for (int i = 0; i < ws.length; i++) {
            if (onGpu(ws[i])) {
                gpu.matmul(ws[i], x, outs[i]);
            } else {
                if (hx == null) hx = toHost(x, 0);
                Activations ho = host(outs[i].tokens(), outs[i].width(), OUT);
                cpu.matmul(ws[i], hx, ho);
                toGpu(ho, outs[i]);
            }
        }
    }

    @Override
    public void ropeThenNorm(Activations x, int headDim, int startPos, double ropeBase, Weight gamma, float eps) {
        if (onGpu(gamma)) {
            gpu.ropeThenNorm(x, headDim, startPos, ropeBase, gamma, eps);
            return;
        }
        Activations hx = toHost(x, 0);
        cpu.ropeThenNorm(hx, headDim, startPos, ropeBase, gamma, eps);
        toGpu(hx, x);
    }

    @Override
    public void attention(Activations q, Activations k, Activations v, KvCache cache, int layer, int startPos, int headDim,
            Activations out) {
        HybridKvCache c = (HybridKvCache) cache;
        if (c.onGpu(layer)) {
            gpu.attention(q, k, v, c.part(layer), c.localLayer(layer), startPos, headDim, out);
            return;
        }
        Activations hq = toHost(q, 0), hk = toHost(k, 1), hv = toHost(v, 2), ho = host(out.tokens(), out.width(), OUT);
        cpu.attention(hq, hk, hv, c.part(layer), c.localLayer(layer), startPos, headDim, ho);
        toGpu(ho, out);
    }

    @Override
    public void ffn(Activations x, Weight gate, Weight up, Weight down, Activations acc) {
        if (onGpu(gate)) {
            gpu.ffn(x, gate, up, down, acc);
            return;
        }
        Activations hx = toHost(x, 0), h = zeroHost(acc.tokens(), acc.width());
        cpu.ffn(hx, gate, up, down, h);
        addFromHost(h, acc);
    }

    @Override
    public void routedExperts(Activations x, ExpertRouting routing, Weight gateExps, Weight upExps, Weight downExps, Activations acc) {
        if (onGpu(gateExps)) {
            gpu.routedExperts(x, routing, gateExps, upExps, downExps, acc);
            return;
        }
        Activations hx = toHost(x, 0), h = zeroHost(acc.tokens(), acc.width());
        cpu.routedExperts(hx, routing, gateExps, upExps, downExps, h);
        addFromHost(h, acc);
    }

    @Override
    public void moe(Activations x, MoeWeights w, ExpertSelection selection, Activations acc) {
        if (streamer != null && streamer.streams(x.tokens(), w)) {
            List<Weight> e = streamer.acquire(w);
            try {
                moe(x, new MoeWeights(w.router(), e.get(0), e.get(1), e.get(2), w.gateShared(), w.upShared(), w.downShared()), selection, acc);
            } finally {
                streamer.release(w); // even after a failure: kernels queued before it may still read the slot
            }
            streamer.prefetchAfter(w);
            return;
        }
        boolean router = onGpu(w.router()), shared = onGpu(w.gateShared()), routed = onGpu(w.gateExps());
        if (router && shared && routed) {
            gpu.moe(x, w, selection, acc);
            return;
        }
        if (!router && !shared && !routed) {
            Activations hx = toHost(x, 0), h = zeroHost(acc.tokens(), acc.width());
            cpu.moe(hx, w, selection, h);
            addFromHost(h, acc);
            return;
        }
        int experts = Math.toIntExact(w.router().tensor().ne(1));
        Activations logits = gpuTemp(x.tokens(), experts);
        matmul(w.router(), x, logits);
        float[] l = new float[x.tokens() * experts];
        gpu.read(logits, l);
        ExpertRouting routing = ExpertRouting.fromLogits(l, x.tokens(), experts, selection);
        if (shared && !routed) {
            // The usual hybrid layer: copy x to the host while the GPU is idle (reading the logits synchronised it),
            // queue the shared expert on the GPU, and compute the routed experts on the CPU meanwhile.
            Activations hx = toHost(x, 0), h = zeroHost(acc.tokens(), acc.width());
            gpu.ffn(x, w.gateShared(), w.upShared(), w.downShared(), acc);
            cpu.routedExperts(hx, routing, w.gateExps(), w.upExps(), w.downExps(), h);
            addFromHost(h, acc);
            return;
        }
        ffn(x, w.gateShared(), w.upShared(), w.downShared(), acc);
        routedExperts(x, routing, w.gateExps(), w.upExps(), w.downExps(), acc);
    }

    @Override
    public void add(Activations acc, Activations x) {
        gpu.add(acc, x);
    }

    @Override
    public void read(Activations a, int row, float[] dst) {
        gpu.read(a, row, dst);
    }

    @Override
    public void read(Activations a, float[] dst) {
        gpu.read(a, dst);
    }

    @Override
    public void write(Activations a, float[] src) {
        gpu.write(a, src);
    }

    @Override
    public void close() {
        gpu.close();
        cpu.close();
    }
}
