package hy.runtime.cpu.backend;

import hy.runtime.cpu.CpuPool;
import hy.runtime.cpu.QuantizedActivations;
import hy.runtime.cpu.WeightMatrix;
import java.util.ArrayList;
import java.util.List;

/**
 * Several matrix products run as ONE fork-join: every product is cut into row blocks and all (product, block)
 * pairs become tasks of a single {@link CpuPool#parallelFor}. A MoE layer's gate and up projections of all selected
 * experts plus the shared expert are one batch; their down projections another.
 */
final class ProductBatch {
    private record Product(WeightMatrix m, QuantizedActivations x, float[] y, int yOffset, int yStride, int perTask, int firstTask) {}

    private final CpuPool pool;
    private final List<Product> products = new ArrayList<>();
    private int tasks;

    ProductBatch(CpuPool pool) {
        this.pool = pool;
    }

    /**
     * Adds y[yOffset + t·yStride + r] = m[r] · x[t]; {@code x} must already be set (it is prepared for {@code m} in
     * {@link #run}).
     */
    void add(WeightMatrix m, QuantizedActivations x, float[] y, int yOffset, int yStride, long rowBytes) {
        int per = RowSplit.rowsPerTask(m.rows(), rowBytes, pool.threads(), x.tokens(), m.rowGranule(x.tokens()));
        products.add(new Product(m, x, y, yOffset, yStride, per, tasks));
        tasks += RowSplit.tasks(m.rows(), per);
    }

    void run() {
        int n = products.size();
        if (n == 0) return;
        Product[] ps = products.toArray(Product[]::new);
        prepare(ps);
        pool.parallelFor(tasks, (task, worker) -> {
            int lo = 0, hi = n - 1; // the last product whose first task is <= task
            while (lo < hi) {
                int mid = (lo + hi + 1) >>> 1;
                if (ps[mid].firstTask() <= task) lo = mid;
                else hi = mid - 1;
            }
            Product p = ps[lo];
            int r0 = (task - p.firstTask()) * p.perTask();
            int r1 = Math.min(p.m().rows(), r0 + p.perTask());
            p.m().multiply(p.x(), p.y(), p.yOffset(), p.yStride(), r0, r1);
        });
        products.clear();
        tasks = 0;
    }

    /**
     * Quantizes every distinct input for every matrix that reads it: one task per input (a MoE batch has one per
     * expert group), so the inputs are prepared in parallel while no two tasks touch the same one.
     */
    private void prepare(Product[] ps) {
        List<QuantizedActivations> inputs = new ArrayList<>();
        List<List<WeightMatrix>> readers = new ArrayList<>();
        for (Product p : ps) {
            int i = 0;
            while (i < inputs.size() && inputs.get(i) != p.x()) i++;
            if (i == inputs.size()) {
                inputs.add(p.x());
                readers.add(new ArrayList<>());
            }
            readers.get(i).add(p.m());
        }
        pool.parallelFor(inputs.size(), (i, worker) -> {
            for (WeightMatrix m : readers.get(i)) m.prepare(inputs.get(i));
        });
    }
}
