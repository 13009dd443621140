package hy.cuda.kernels;

import hy.cuda.KernelArgs;
import hy.cuda.KernelRunner;
import hy.cuda.PtxModule;

/** embed.cu: out[t] = row tokens[t] of a table in any weight format, as float32. */
public final class EmbedLauncher {
    private final KernelRunner runner;

    public EmbedLauncher(KernelRunner runner) {
        this.runner = runner;
    }

    /** @param tokens device address of {@code count} int32 ids (validated by the caller) */
    public void embed(WeightFormat f, long table, long rowBytes, int rowLength, long tokens, int count, long out) {
        int units = WeightFormat.units(rowLength);
        runner.launch(PtxModule.EMBED, "embed_" + f.suffix(), KernelGeometry.embed(units, count),
                new KernelArgs().ptr(table).i64(rowBytes).i32(units).ptr(tokens).ptr(out));
    }
}
