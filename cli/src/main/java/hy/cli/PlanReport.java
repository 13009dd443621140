package hy.cli;

import hy.offload.Device;
import hy.offload.MemorySize;
import hy.offload.PlacementPlan;
import hy.offload.PlacementRequest;
import hy.offload.ModelInventory;
import hy.offload.TensorGroup;
import hy.runtime.model.TensorNames;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.ToLongFunction;

/** Prints a {@link PlacementPlan}: bytes per group and device, KV cache, scratch, totals, the verdict. */
final class PlanReport {
    private PlanReport() {}

    static void print(PlacementPlan plan, boolean auto, PrintWriter out) {
        ModelInventory inv = plan.inventory();
        PlacementRequest r = plan.request();
        int layers = inv.config().layers();
        out.println("model: " + inv.description() + ": " + layers + " layers, " + inv.tensors().size() + " tensors, "
                + MemorySize.human(inv.totalBytes()));
        out.println((auto ? "--auto chose: " : "flags: ") + PlacementRequest.shellJoin(r.flags(layers)));
        out.println();
        // GiB for real models; MiB when the whole model is smaller than one GiB (test and demo models).
        Unit unit = inv.totalBytes() >= Unit.GIB.bytes ? Unit.GIB : Unit.MIB;
        TextTable t = new TextTable(header(unit));
        for (TensorGroup g : TensorGroup.values()) {
            int n = plan.tensorCount(g);
            if (n == 0) continue;
            t.row(row(g.label, Integer.toString(n), unit, d -> plan.bytes(d, g)));
        }
        t.row(row("KV cache (" + typeName(r.kType()) + "/" + typeName(r.vType()) + ", " + r.contextLength() + " ctx)", "", unit, plan::kvBytes));
        t.row(row("scratch (-ub " + r.ubatch() + ")", "", unit, d -> plan.scratch(d).total()));
        if (plan.stagingBytes() > 0) t.row(row("expert staging", "", unit, d -> d.isGpu() ? plan.stagingBytes() : 0));
        t.row(row("total", "", unit, plan::total));
        t.print(out, "", true);
        out.println();
        String tied = tiedNote(plan);
        if (tied != null) out.println(tied);
        out.println("attention and KV cache of " + plan.gpuAttentionLayers() + "/" + layers + " layers on CUDA0"
                + (plan.stagingBytes() > 0 ? "; batches of " + plan.streamMinBatch() + "+ tokens (up to -ub " + r.ubatch()
                        + ") stream CPU-resident experts through the GPU" : ""));
        long need = plan.total(Device.CUDA0), budget = plan.gpuBudget();
        String verdict = plan.fits()
                ? "fits, " + MemorySize.human(budget - need) + " to spare"
                : "does NOT fit, " + MemorySize.human(plan.overflowBytes()) + " over";
        out.println("VRAM: " + MemorySize.human(need) + " of " + MemorySize.human(budget) + " budget: " + verdict);
    }

    /** One line per tensor: name, type, MiB, device, the flag that decided. */
    static void printTensors(PlacementPlan plan, PrintWriter out) {
        out.println();
        TextTable t = new TextTable("tensor", "type", ">MiB", "device", "placed by");
        for (PlacementPlan.Placement p : plan.placements()) {
            t.row(p.tensor().name(), p.tensor().type(), String.format(Locale.ROOT, "%.2f", p.tensor().bytes() / (double) (1 << 20)),
                    p.device(), p.reason());
        }
        t.print(out, "", true);
    }

    /** The table's unit. */
    private enum Unit {
        GIB(1L << 30, "GiB"),
        MIB(1L << 20, "MiB");

        final long bytes;
        final String label;

        Unit(long bytes, String label) {
            this.bytes = bytes;
            this.label = label;
        }

        String format(long n) {
            return String.format(Locale.ROOT, "%.2f", n / (double) bytes);
        }
    }

    private static String[] header(Unit unit) {
        String[] h = new String[2 + Device.values().length];
        h[0] = "group";
        h[1] = ">tensors";
        for (Device d : Device.values()) h[2 + d.ordinal()] = ">" + d.name() + " " + unit.label;
        return h;
    }

    private static Object[] row(String label, String count, Unit unit, ToLongFunction<Device> bytes) {
        Object[] row = new Object[2 + Device.values().length];
        row[0] = label;
        row[1] = count;
        for (Device d : Device.values()) row[2 + d.ordinal()] = unit.format(bytes.applyAsLong(d));
        return row;
    }

    private static String tiedNote(PlacementPlan plan) {
        Device out = plan.tiedOutputDevice();
        if (out == null) return null;
        Device embd = plan.deviceOf(TensorNames.TOKEN_EMBD);
        return out == embd
                ? "output is tied to token_embd: one copy on " + out
                : "output is tied to token_embd: token_embd on " + embd + ", a second copy for the output on " + out;
    }

    private static String typeName(hy.runtime.tensor.GgmlType t) {
        return t.name().toLowerCase(Locale.ROOT);
    }
}
