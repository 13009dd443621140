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

/** Prints a {@link PlacementPlan}: bytes per group and device, KV cache, scratch, totals, the verdict. */
final class PlanReport {
    private PlanReport() {}

    static void print(PlacementPlan plan, boolean auto, PrintWriter out) {
        ModelInventory inv = plan.inventory();
        PlacementRequest r = plan.request();
        int layers = inv.config().layers();
        out.println("model: " + inv.description() + ": " + layers + " layers, " + inv.tensors().size() + " tensors, "
                + MemorySize.gib(inv.totalBytes()) + " GiB");
        out.println((auto ? "--auto chose: " : "flags: ") + PlacementRequest.shellJoin(r.flags(layers)));
        out.println();
        TextTable t = new TextTable(header(Device.values()));
        for (TensorGroup g : TensorGroup.values()) {
            int n = plan.tensorCount(g);
            if (n == 0) continue;
            Object[] row = new Object[2 + Device.values().length];
            row[0] = g.label;
            row[1] = n;
            for (Device d : Device.values()) row[2 + d.ordinal()] = MemorySize.gib(plan.bytes(d, g));
            t.row(row);
        }
        t.row(line("KV cache (" + typeName(r.kType()) + "/" + typeName(r.vType()) + ", " + r.contextLength() + " ctx)", plan::kvBytes));
        t.row(line("scratch (-ub " + r.ubatch() + ")", d -> plan.scratch(d).total()));
        if (plan.stagingBytes() > 0) t.row(line("expert staging", d -> d.isGpu() ? plan.stagingBytes() : 0));
        t.row(line("total", plan::total));
        t.print(out, "", true);
        out.println();
        String tied = tiedNote(plan);
        if (tied != null) out.println(tied);
        out.println("attention and KV cache of " + plan.gpuAttentionLayers() + "/" + layers + " layers on CUDA0"
                + (plan.stagingBytes() > 0 ? "; batches of " + r.ubatch() + " tokens stream CPU-resident experts through the GPU" : ""));
        long need = plan.total(Device.CUDA0), budget = plan.gpuBudget();
        String verdict = plan.fits()
                ? String.format(Locale.ROOT, "fits, %s GiB to spare", MemorySize.gib(budget - need))
                : String.format(Locale.ROOT, "does NOT fit, %s GiB over", MemorySize.gib(plan.overflowBytes()));
        out.println("VRAM: " + MemorySize.gib(need) + " GiB of " + MemorySize.gib(budget) + " GiB budget: " + verdict);
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

    private static String[] header(Device[] devices) {
        String[] h = new String[2 + devices.length];
        h[0] = "group";
        h[1] = ">tensors";
        for (Device d : devices) h[2 + d.ordinal()] = ">" + d.name() + " GiB";
        return h;
    }

    private static Object[] line(String label, java.util.function.ToLongFunction<Device> bytes) {
        Object[] row = new Object[2 + Device.values().length];
        row[0] = label;
        row[1] = "";
        for (Device d : Device.values()) row[2 + d.ordinal()] = MemorySize.gib(bytes.applyAsLong(d));
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
