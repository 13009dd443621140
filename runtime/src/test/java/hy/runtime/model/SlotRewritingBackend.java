package hy.runtime.model;

import hy.runtime.backend.Activations;
import hy.runtime.backend.Backend;
import hy.runtime.backend.ExpertRouting;
import hy.runtime.backend.ExpertSelection;
import hy.runtime.backend.KvCache;
import hy.runtime.backend.MoeWeights;
import hy.runtime.backend.RecordedStep;
import hy.runtime.backend.StepRecording;
import hy.runtime.backend.Weight;
import hy.runtime.tensor.GgmlType;
import hy.runtime.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * A backend that records steps the way the CUDA backend does, on the CPU: recording keeps the step's ops (here, the
 * Runnable) without running them, and a launch runs them again with the token ids and position replaced, as a CUDA
 * graph's rewritten input slots would. Everything else goes to the wrapped backend. {@link #moveScratch} makes every
 * recording stale, as scratch growth does on the GPU; counters say what the model did.
 */
class SlotRewritingBackend implements Backend, StepRecording {
    private final Backend cpu;
    private final List<Recording> recordings = new ArrayList<>();
    private int generation;
    private int[] replayIds;
    private int replayPos;
    int launches;

    SlotRewritingBackend(Backend cpu) {
        this.cpu = cpu;
    }

    final class Recording implements RecordedStep {
        private final Runnable step;
        private final int tokens, generation;
        boolean closed;

        Recording(Runnable step, int tokens, int generation) {
            this.step = step;
            this.tokens = tokens;
            this.generation = generation;
        }

        @Override
        public void launch(int[] ids, int startPos) {
            if (closed || !current()) throw new IllegalStateException("launch of a closed or stale recording");
            if (ids.length != tokens) throw new IllegalArgumentException("recorded for " + tokens + " tokens");
            replayIds = ids;
            replayPos = startPos;
            try {
                step.run();
            } finally {
                replayIds = null;
            }
            launches++;
        }

        @Override
        public boolean current() {
            return generation == SlotRewritingBackend.this.generation;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @Override
    public RecordedStep record(int tokens, Runnable step) {
        Recording r = new Recording(step, tokens, generation);
        recordings.add(r);
        return r;
    }

    /** Every recording made so far. */
    List<Recording> recordings() {
        return recordings;
    }

    long openRecordings() {
        return recordings.stream().filter(r -> !r.closed).count();
    }

    void moveScratch() {
        generation++;
    }

    private int[] ids(int[] tokens) {
        return replayIds != null ? replayIds : tokens;
    }

    private int position(int startPos) {
        return replayIds != null ? replayPos : startPos;
    }

    @Override
    public String name() {
        return "recording " + cpu.name();
    }

    @Override
    public Weight weight(Tensor t) {
        return cpu.weight(t);
    }

    @Override
    public boolean owns(Weight w) {
        return cpu.owns(w);
    }

    @Override
    public Activations activations(int tokens, int width) {
        return cpu.activations(tokens, width);
    }

    @Override
    public KvCache kvCache(int layers, int contextLength, int kvDim, GgmlType kType, GgmlType vType) {
        return cpu.kvCache(layers, contextLength, kvDim, kType, vType);
    }

    @Override
    public void embed(Weight table, int[] tokens, Activations out) {
        cpu.embed(table, ids(tokens), out);
    }

    @Override
    public void rmsNorm(Activations x, Weight gamma, float eps, Activations out) {
        cpu.rmsNorm(x, gamma, eps, out);
    }

    @Override
    public void matmul(Weight w, Activations x, Activations out) {
        cpu.matmul(w, x, out);
    }

    @Override
    public void matmulShared(Weight[] ws, Activations x, Activations[] outs) {
        cpu.matmulShared(ws, x, outs);
    }

    @Override
    public void ropeThenNorm(Activations x, int headDim, int startPos, double ropeBase, Weight gamma, float eps) {
        cpu.ropeThenNorm(x, headDim, position(startPos), ropeBase, gamma, eps);
    }

    @Override
    public void attention(Activations q, Activations k, Activations v, KvCache cache, int layer, int startPos, int headDim,
            Activations out) {
        cpu.attention(q, k, v, cache, layer, position(startPos), headDim, out);
    }

    @Override
    public void ffn(Activations x, Weight gate, Weight up, Weight down, Activations acc) {
        cpu.ffn(x, gate, up, down, acc);
    }

    @Override
    public void routedExperts(Activations x, ExpertRouting routing, Weight gateExps, Weight upExps, Weight downExps,
            Activations acc) {
        cpu.routedExperts(x, routing, gateExps, upExps, downExps, acc);
    }

    @Override
    public void moe(Activations x, MoeWeights w, ExpertSelection selection, Activations acc) {
        cpu.moe(x, w, selection, acc);
    }

    @Override
    public void add(Activations acc, Activations x) {
        cpu.add(acc, x);
    }

    @Override
    public void read(Activations a, int row, float[] dst) {
        notWhileReplaying();
        cpu.read(a, row, dst);
    }

    @Override
    public void read(Activations a, float[] dst) {
        notWhileReplaying();
        cpu.read(a, dst);
    }

    /** A graph cannot hand results to the host mid-step. */
    private void notWhileReplaying() {
        if (replayIds != null) throw new IllegalStateException("read-back inside a recorded step");
    }

    @Override
    public void write(Activations a, float[] src) {
        cpu.write(a, src);
    }

    @Override
    public void close() {
        cpu.close();
    }
}
