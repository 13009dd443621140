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
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * A CPU backend standing in for a GPU that stages weights, and strict about the staging contract: a staged slot is
 * zeros until {@link Staged#awaitOnDevice()} (the copy "lands" only when the device is told to wait for it), and
 * staging into a slot whose previous contents were not released fails. An executor that skips either step computes
 * with zeros or throws.
 */
final class StagingFakeGpu implements Backend, WeightStaging {
    private final Backend inner;
    private final List<FakeSlot> slots = new ArrayList<>();
    int stages, awaits;

    StagingFakeGpu(Backend inner) {
        this.inner = inner;
    }

    private final class FakeSlot implements Staged {
        List<Tensor> sources = List.of();
        List<MemorySegment> copies = List.of();
        List<Weight> weights = List.of();
        boolean released = true;

        @Override
        public List<Weight> weights() {
            return weights;
        }

        @Override
        public void awaitOnDevice() {
            awaits++;
            for (int i = 0; i < sources.size(); i++) MemorySegment.copy(sources.get(i).data(), 0, copies.get(i), 0, copies.get(i).byteSize());
        }

        @Override
        public void release() {
            released = true;
        }
    }

    @Override
    public boolean canStage(Tensor t) {
        return true;
    }

    @Override
    public Staged stage(int slot, List<Tensor> tensors) {
        while (slots.size() <= slot) slots.add(new FakeSlot());
        FakeSlot s = slots.get(slot);
        if (!s.released) throw new IllegalStateException("slot " + slot + " staged over before its last use was released");
        List<MemorySegment> copies = new ArrayList<>();
        List<Weight> weights = new ArrayList<>();
        for (Tensor t : tensors) {
            MemorySegment zeros = Arena.ofAuto().allocate(t.byteSize(), 64);
            copies.add(zeros);
            weights.add(inner.weight(new Tensor(t.name() + " (staged)", t.type(), t.ne(), zeros)));
        }
        s.sources = List.copyOf(tensors);
        s.copies = copies;
        s.weights = weights;
        s.released = false;
        stages++;
        return s;
    }

    @Override public String name() { return "FAKE-GPU"; }
    @Override public Weight weight(Tensor t) { return inner.weight(t); }
    @Override public boolean owns(Weight w) { return inner.owns(w); }
    @Override public Activations activations(int tokens, int width) { return inner.activations(tokens, width); }
    @Override public KvCache kvCache(int layers, int ctx, int kvDim, GgmlType k, GgmlType v) { return inner.kvCache(layers, ctx, kvDim, k, v); }
    @Override public void embed(Weight table, int[] tokens, Activations out) { inner.embed(table, tokens, out); }
    @Override public void rmsNorm(Activations x, Weight g, float eps, Activations out) { inner.rmsNorm(x, g, eps, out); }
    @Override public void matmul(Weight w, Activations x, Activations out) { inner.matmul(w, x, out); }
    @Override public void matmulShared(Weight[] ws, Activations x, Activations[] outs) { inner.matmulShared(ws, x, outs); }
    @Override public void ropeThenNorm(Activations x, int hd, int pos, double base, Weight g, float eps) { inner.ropeThenNorm(x, hd, pos, base, g, eps); }
    @Override public void attention(Activations q, Activations k, Activations v, KvCache c, int l, int pos, int hd, Activations out) { inner.attention(q, k, v, c, l, pos, hd, out); }
    @Override public void ffn(Activations x, Weight g, Weight u, Weight d, Activations acc) { inner.ffn(x, g, u, d, acc); }
    @Override public void routedExperts(Activations x, ExpertRouting r, Weight g, Weight u, Weight d, Activations acc) { inner.routedExperts(x, r, g, u, d, acc); }
    @Override public void moe(Activations x, MoeWeights w, ExpertSelection s, Activations acc) { inner.moe(x, w, s, acc); }
    @Override public void add(Activations acc, Activations x) { inner.add(acc, x); }
    @Override public void read(Activations a, int row, float[] dst) { inner.read(a, row, dst); }
    @Override public void read(Activations a, float[] dst) { inner.read(a, dst); }
    @Override public void write(Activations a, float[] src) { inner.write(a, src); }
    @Override public void close() { inner.close(); }
}
