package hy.runtime.cpu;

import static org.junit.jupiter.api.Assertions.*;

import hy.runtime.cpu.bench.RandomBlocks;
import hy.runtime.tensor.GgmlType;
import hy.runtime.tensor.Tensor;
import java.lang.foreign.Arena;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The pattern the MoE layer uses: one activation quantized once, the selected experts of a stacked tensor, and ONE
 * fork-join whose tasks are (expert, row block) pairs, each writing its own slice of the output.
 */
class ExpertForkJoinTest {
    @ParameterizedTest
    @ValueSource(strings = {"Q8_0", "Q4_K"})
    void oneForkJoinComputesAllSelectedExperts(String typeName) {
        GgmlType type = GgmlType.valueOf(typeName);
        int n = 1024;
        int rows = 96;
        int experts = 6;
        int[] selected = {4, 1, 5};
        int rowsPerTask = 32;
        try (Arena arena = Arena.ofShared(); CpuPool pool = new CpuPool(3)) {
            var data = arena.allocate(type.rowBytes(n) * rows * experts);
            RandomBlocks.fill(type, data, (long) rows * experts, n, 71);
            Tensor stacked = new Tensor("ffn_up_exps", type, new long[] {n, rows, experts}, data);
            // Repacked (-rtr): Q8_0 into the native interleaved layout where the native kernels run, Q4_K into the
            // Java kernels' packed layout where they run instead (the native ones read Q4_K in place).
            WeightMatrix[] matrices = CpuWeights.experts(stacked, true, arena, pool);
            assertEquals(experts, matrices.length);

            QuantizedActivations x = new QuantizedActivations(n, 1);
            float[] input = KernelCheck.exactActivations(n, 1, 32, 73);
            x.set(input, 0, n, 1);
            matrices[0].prepare(x);   // once, before the fork: every expert reads the same quantized input

            float[] out = new float[selected.length * rows];
            int blocksPerExpert = rows / rowsPerTask;
            pool.parallelFor(selected.length * blocksPerExpert, (task, worker) -> {
                int slot = task / blocksPerExpert;
                int r0 = task % blocksPerExpert * rowsPerTask;
                matrices[selected[slot]].multiply(x, out, slot * rows, 0, r0, r0 + rowsPerTask);
            });

            for (int slot = 0; slot < selected.length; slot++) {
                Tensor expert = stacked.slice2d(selected[slot]);
                for (int r = 0; r < rows; r++) {
                    double[] wr = KernelCheck.dequantizedRow(expert, r);
                    // The input is exact for 32-blocks; native Q4_K quantizes it per 256, which may round.
                    double tolerance = ActivationFormat.forWeights(type, "w") == ActivationFormat.Q8_K
                            ? KernelCheck.bound(wr, input, 0, ActivationFormat.Q8_K) : KernelCheck.roundingBound(wr, input, 0);
                    assertEquals(KernelCheck.dot(wr, input, 0), out[slot * rows + r], tolerance,
                            "expert " + selected[slot] + " row " + r);
                }
            }
        }
    }
}
