package hy.offload;

import hy.runtime.tensor.GgmlType;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * When a plan does not fit: flag changes that do, found by re-planning candidates, never by guessing. A candidate
 * is a set of changes applied to the user's request: switches (--cpu-moe; q8_0 KV cache; --no-op-offload) and at
 * most one search for the gentlest value that fits (the smallest --n-cpu-moe N, the largest -c, the largest -ub,
 * the largest -ngl). Single changes are tried first, then pairs, and so on; a set containing switches that fit
 * already is skipped (it would only give up more). Last resort: everything on the CPU.
 */
public final class PlacementAdvisor {
    /** A request that fits and what changed, e.g. "--n-cpu-moe 27". */
    public record Suggestion(PlacementRequest request, PlacementPlan plan, String change) {
        /** The full flags to use instead (placement, -c, and whatever else differs from the defaults). */
        public String flags() {
            return PlacementRequest.shellJoin(request.flags(plan.inventory().config().layers()));
        }
    }

    /** One change: a switch returns its request; a search returns the gentlest fitting one, or empty. */
    private record Move(String name, boolean search, Function<PlacementRequest, Optional<PlacementRequest>> apply) {}

    private final ModelInventory inventory;
    private final int layers;

    private PlacementAdvisor(ModelInventory inventory) {
        this.inventory = inventory;
        this.layers = inventory.config().layers();
    }

    /** Up to {@code max} fitting alternatives to {@code request}, gentlest first; empty when it fits already. */
    public static List<Suggestion> suggest(ModelInventory inventory, PlacementRequest request, int max) {
        if (PlacementPlan.of(inventory, request).fits()) return List.of();
        return new PlacementAdvisor(inventory).search(request, max);
    }

    /** The overflow line, then "these fit instead:" and one line of flags per suggestion (or why none exists). */
    public static List<String> adviceLines(PlacementPlan plan, List<Suggestion> suggestions) {
        List<String> lines = new ArrayList<>();
        lines.add("does not fit: " + plan.overflowMessage());
        if (suggestions.isEmpty()) {
            lines.add("no change of -ngl, -ot, --n-cpu-moe, -c, -ub or the cache types fits; give more --gpu-mem or use a smaller quantization");
            return lines;
        }
        lines.add("these fit instead:");
        for (Suggestion s : suggestions) {
            lines.add("  " + s.flags() + "    (" + s.change() + ": CUDA0 " + MemorySize.human(s.plan().total(Device.CUDA0)) + ")");
        }
        return lines;
    }

    private List<Suggestion> search(PlacementRequest request, int max) {
        List<Move> moves = moves(request);
        List<Suggestion> found = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        seen.add(flagsOf(request));
        List<Integer> fittingMasks = new ArrayList<>();
        for (int size = 1; size <= moves.size() && found.size() < max; size++) {
            for (int mask : masksOfSize(moves.size(), size)) {
                if (found.size() >= max) break;
                if (!valid(moves, mask) || fittingMasks.stream().anyMatch(f -> (mask & f) == f)) continue;
                Optional<PlacementRequest> r = apply(moves, mask, request);
                if (r.isEmpty()) continue;
                PlacementPlan plan = PlacementPlan.of(inventory, r.get());
                if (!plan.fits()) continue;
                // More changes on top of switches that fit already only give up more; a fitting search, though,
                // can still be bettered by a switch (q8_0 KV cache and a longer context), so only switch sets count.
                if (!hasSearch(moves, mask)) fittingMasks.add(mask);
                if (seen.add(flagsOf(r.get()))) found.add(new Suggestion(r.get(), plan, describe(moves, mask, r.get())));
            }
        }
        if (found.size() < max) {
            PlacementRequest cpu = request.withUserRules(request.userRules().stream().filter(x -> !x.device().isGpu()).toList())
                    .withGpuLayers(0).withCpuMoe(false, 0);
            PlacementPlan plan = PlacementPlan.of(inventory, cpu);
            if (plan.fits() && seen.add(flagsOf(cpu))) found.add(new Suggestion(cpu, plan, "everything on the CPU"));
        }
        return found;
    }

    /** The changes that can matter for this request, in the order suggestions are preferred. */
    private List<Move> moves(PlacementRequest r) {
        List<Move> m = new ArrayList<>();
        // No other move puts more on the GPU, so expert moves matter only when experts are there now.
        if (!r.cpuMoe() && PlacementPlan.of(inventory, r).bytes(Device.CUDA0, TensorGroup.ROUTED_EXPERTS) > 0) {
            m.add(new Move("--n-cpu-moe", true, this::fewestCpuMoeLayers));
            m.add(new Move("--cpu-moe", false, x -> Optional.of(x.withCpuMoe(true, 0))));
        }
        if (wider(r.kType()) || wider(r.vType())) {
            m.add(new Move("q8_0 KV cache", false, x -> Optional.of(x.withCacheTypes(narrow(x.kType()), narrow(x.vType())))));
        }
        if (PlacementPlan.streamsBigBatches(inventory.config(), r)) {
            m.add(new Move("--no-op-offload", false, x -> Optional.of(x.withOpOffload(false))));
        }
        m.add(new Move("-c", true, this::longestContext));
        m.add(new Move("-ub", true, this::largestUbatch));
        m.add(new Move("-ngl", true, this::mostGpuLayers));
        return m;
    }

    private static boolean wider(GgmlType t) {
        return t.rowBytes(t.blockSize) * GgmlType.Q8_0.blockSize > GgmlType.Q8_0.rowBytes(GgmlType.Q8_0.blockSize) * t.blockSize;
    }

    private static GgmlType narrow(GgmlType t) {
        return wider(t) ? GgmlType.Q8_0 : t;
    }

    private static boolean hasSearch(List<Move> moves, int mask) {
        for (int i = 0; i < moves.size(); i++) if ((mask & (1 << i)) != 0 && moves.get(i).search()) return true;
        return false;
    }

    /** Valid: at most one search, and --n-cpu-moe not together with --cpu-moe. */
    private static boolean valid(List<Move> moves, int mask) {
        int searches = 0;
        boolean ncmoe = false, cmoe = false;
        for (int i = 0; i < moves.size(); i++) {
            if ((mask & (1 << i)) == 0) continue;
            if (moves.get(i).search()) searches++;
            ncmoe |= moves.get(i).name().equals("--n-cpu-moe");
            cmoe |= moves.get(i).name().equals("--cpu-moe");
        }
        return searches <= 1 && !(ncmoe && cmoe);
    }

    /** Switches first, then the search (which looks for the gentlest value given the switches). */
    private static Optional<PlacementRequest> apply(List<Move> moves, int mask, PlacementRequest r) {
        Optional<PlacementRequest> cur = Optional.of(r);
        for (boolean searches : new boolean[] {false, true}) {
            for (int i = 0; i < moves.size(); i++) {
                Move m = moves.get(i);
                if ((mask & (1 << i)) != 0 && m.search() == searches) cur = cur.flatMap(m.apply());
            }
        }
        return cur;
    }

    private String describe(List<Move> moves, int mask, PlacementRequest r) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < moves.size(); i++) {
            if ((mask & (1 << i)) == 0) continue;
            String n = moves.get(i).name();
            parts.add(switch (n) {
                case "--n-cpu-moe" -> "--n-cpu-moe " + r.nCpuMoe();
                case "-c" -> "-c " + r.contextLength();
                case "-ub" -> "-ub " + r.ubatch();
                case "-ngl" -> "-ngl " + r.gpuLayers();
                case "--cpu-moe" -> "--cpu-moe, same as -ot exps=CPU";
                default -> n;
            });
        }
        return String.join(" + ", parts);
    }

    /** The subsets of {@code size} moves out of {@code n}, in lexicographic order of their move indices. */
    private static List<Integer> masksOfSize(int n, int size) {
        List<Integer> out = new ArrayList<>();
        addMasks(n, size, 0, 0, out);
        return out;
    }

    private static void addMasks(int n, int left, int from, int mask, List<Integer> out) {
        if (left == 0) {
            out.add(mask);
            return;
        }
        for (int i = from; i <= n - left; i++) addMasks(n, left - 1, i + 1, mask | (1 << i), out);
    }

    private boolean fits(PlacementRequest r) {
        return PlacementPlan.of(inventory, r).fits();
    }

    /** The smallest N (more than now) whose --n-cpu-moe N fits; linear, since staging makes the total non-monotone. */
    private Optional<PlacementRequest> fewestCpuMoeLayers(PlacementRequest r) {
        for (int n = r.nCpuMoe() + 1; n <= layers; n++) {
            PlacementRequest c = r.withCpuMoe(false, n);
            if (fits(c)) return Optional.of(c);
        }
        return Optional.empty();
    }

    /**
     * The longest context below the current one that fits, in steps of 1024 tokens (of 64 below 1024): the KV cache
     * grows with -c and nothing else does, so a binary search finds it.
     */
    private Optional<PlacementRequest> longestContext(PlacementRequest r) {
        int step = r.contextLength() > 1024 ? 1024 : 64;
        int lo = 1, hi = (r.contextLength() - 1) / step;
        if (hi < 1 || !fits(r.withContextLength(step))) return Optional.empty();
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (fits(r.withContextLength(mid * step))) lo = mid;
            else hi = mid - 1;
        }
        return Optional.of(r.withContextLength(lo * step));
    }

    /** The largest halved -ub that fits (smaller batches need less scratch and, below the threshold, no staging). */
    private Optional<PlacementRequest> largestUbatch(PlacementRequest r) {
        for (int ub = r.ubatch() / 2; ub >= 1; ub /= 2) {
            if (fits(r.withUbatch(ub))) return Optional.of(r.withUbatch(ub));
        }
        return Optional.empty();
    }

    /** The most GPU layers below the current -ngl that fit (0 keeps only what -ot rules put on the GPU). */
    private Optional<PlacementRequest> mostGpuLayers(PlacementRequest r) {
        for (int n = Math.min(r.effectiveGpuLayers(layers), layers + 1) - 1; n >= 0; n--) {
            if (fits(r.withGpuLayers(n))) return Optional.of(r.withGpuLayers(n));
        }
        return Optional.empty();
    }

    private String flagsOf(PlacementRequest r) {
        return String.join(" ", r.flags(layers));
    }
}
