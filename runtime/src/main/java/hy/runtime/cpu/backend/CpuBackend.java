package hy.runtime.cpu.backend;

import hy.runtime.backend.Activations;
import hy.runtime.backend.Backend;
import hy.runtime.backend.ExpertSelection;
import hy.runtime.backend.KvCache;
import hy.runtime.backend.MoeWeights;
import hy.runtime.backend.Weight;
import hy.runtime.quant.QuantCodecs;
import hy.runtime.tensor.GgmlType;
import hy.runtime.tensor.Tensor;

/** Every op on the CPU, weights used in place from the memory-mapped file. */
public final class CpuBackend implements Backend {

    @Override
    public String name() {
        return "CPU";
    }

    @Override
    public Weight weight(Tensor t) {
        QuantCodecs.of(t.type(), t.name()); // fails early, naming the tensor, for types we cannot compute with
        return new CpuWeight(t);
    }

    @Override
    public Activations activations(int tokens, int width) {
        return new CpuActivations(new float[Math.multiplyExact(tokens, width)], 0, tokens, width);
    }

    @Override
    public KvCache kvCache(int layers, int contextLength, int kvDim, GgmlType kType, GgmlType vType) {
        return new CpuKvCache(layers, contextLength, kvDim, kType, vType);
    }

    @Override
    public void embed(Weight table, int[] tokens, Activations out) {
        CpuActivations o = CpuActivations.of(out);
        Tensor t = table.tensor();
        var codec = QuantCodecs.of(t.type(), t.name());
        for (int i = 0; i < tokens.length; i++) {
            codec.dequantize(t.data(), t.rowOffset(tokens[i]), o.data, o.at(i), o.width);
        }
    }

    @Override
    public void rmsNorm(Activations x, Weight gamma, float eps, Activations out) {
        CpuActivations a = CpuActivations.of(x), o = CpuActivations.of(out);
        float[] g = QuantCodecs.dequantizeRow(gamma.tensor(), 0);
        for (int t = 0; t < a.tokens; t++) CpuOps.rmsNorm(a.data, a.at(t), g, eps, o.data, o.at(t), a.width);
    }

    @Override
    public void matmul(Weight w, Activations x, Activations out) {
        CpuActivations a = CpuActivations.of(x), o = CpuActivations.of(out);
        Tensor t = w.tensor();
        if (t.rowLength() != a.width || t.ne(1) != o.width || a.tokens != o.tokens) {
            throw new IllegalArgumentException("matmul shape mismatch: " + t + " with x " + a.tokens + "×" + a.width + " → " + o.tokens + "×" + o.width);
        }
        ReferenceMatmul.matmul(t, a.data, a.at(0), a.tokens, o.data, o.at(0), o.width);
    }

    @Override
    public void ropeThenNorm(Activations x, int headDim, int startPos, double ropeBase, Weight gamma, float eps) {
        CpuActivations a = CpuActivations.of(x);
        float[] g = QuantCodecs.dequantizeRow(gamma.tensor(), 0);
        int heads = a.width / headDim;
        Rope rope = Rope.of(headDim, ropeBase);
        for (int t = 0; t < a.tokens; t++) {
            for (int h = 0; h < heads; h++) {
                int at = a.at(t) + h * headDim;
                rope.apply(a.data, at, startPos + t);
                CpuOps.rmsNorm(a.data, at, g, eps, a.data, at, headDim);
            }
        }
    }

    @Override
    public void attention(Activations q, Activations k, Activations v, KvCache cache, int layer, int startPos, int headDim,
            Activations out) {
        CpuAttention.run(CpuActivations.of(q), CpuActivations.of(k), CpuActivations.of(v), (CpuKvCache) cache, layer,
                startPos, headDim, CpuActivations.of(out));
    }

    @Override
    public void moe(Activations x, MoeWeights w, ExpertSelection selection, Activations acc) {
        CpuMoe.run(CpuActivations.of(x), w, selection, CpuActivations.of(acc));
    }

    @Override
    public void add(Activations acc, Activations x) {
        CpuActivations a = CpuActivations.of(acc), b = CpuActivations.of(x);
        int n = a.tokens * a.width;
        for (int i = 0; i < n; i++) a.data[a.at(0) + i] += b.data[b.at(0) + i];
    }

    @Override
    public void read(Activations a, int row, float[] dst) {
        CpuActivations c = CpuActivations.of(a);
        System.arraycopy(c.data, c.at(row), dst, 0, c.width);
    }
}
