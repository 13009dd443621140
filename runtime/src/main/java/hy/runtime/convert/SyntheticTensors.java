package hy.runtime.convert;

import hy.runtime.model.HunyuanConfig;
import hy.runtime.tensor.Tensor;
import hy.runtime.util.NativeMemory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A synthetic model built straight into native memory (no file): the same weights {@link SyntheticModel#write}
 * would write for this seed, so `hy bench --synthetic` measures the real shape without the 45 GB download or disk.
 */
public final class SyntheticTensors implements AutoCloseable {
    private final Arena arena = Arena.ofShared();
    private final Map<String, Tensor> tensors = new LinkedHashMap<>();
    private final TensorPlan plan;

    public SyntheticTensors(HunyuanConfig c, TypePlan types, long seed, int threads, ProgressListener progress) {
        this.plan = SyntheticModel.plan(c, types);
        List<TensorPlan.Entry> entries = plan.entries();
        try (ParallelEncoder enc = new ParallelEncoder(threads, plan.totalBytes(), progress)) {
            for (int i = 0; i < entries.size(); i++) {
                TensorPlan.Entry e = entries.get(i);
                ModelTensor t = e.tensor();
                MemorySegment seg = NativeMemory.allocate(e.bytes(), arena);
                enc.encode(t.name(), SyntheticModel.rows(seed, i, t), e.type()).fill(seg);
                tensors.put(t.name(), new Tensor(t.name(), e.type(), t.ne(), seg));
            }
        } catch (IOException e) {
            arena.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    public TensorPlan plan() {
        return plan;
    }

    public Tensor get(String name) {
        return tensors.get(name);
    }

    public Map<String, Tensor> all() {
        return tensors;
    }

    @Override
    public void close() {
        arena.close();
    }
}
