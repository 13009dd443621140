package hy.offload;

import hy.cuda.kernels.WeightFormat;
import hy.runtime.backend.Backend;
import hy.runtime.model.HunyuanConfig;
import hy.runtime.model.TensorNames;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Where every tensor of a model goes for one {@link PlacementRequest}, and what that costs per device: weights per
 * {@link TensorGroup}, the KV cache (each layer's on the device of its attention), scratch activations for the
 * micro-batch, and the GPU staging buffers for streaming CPU-resident experts through the GPU on big batches. The
 * GPU total is checked against the request's budget. A layer's KV cache lives where its attn_k projection does.
 *
 * <p>The loader asks {@link #deviceOf} (or {@link #backendFor}) per tensor name. A tied output (no output.weight)
 * is placed under the name output.weight like any tensor; when it lands on another device than token_embd that
 * device holds a second copy, counted in its output group; on the same device it shares token_embd's copy.
 */
public final class PlacementPlan {
    /** Staging holds this many layers of routed experts: one copied in while the other is computed on. */
    static final int STAGED_LAYERS = 2;
    /** Staging slots start each tensor on this boundary (as the CUDA backend's do). */
    static final long STAGING_ALIGN = 256;
    /** One tensor's device and the flag that decided it. */
    public record Placement(ModelInventory.Entry tensor, Device device, String reason) {}

    private final ModelInventory inventory;
    private final PlacementRequest request;
    private final TensorPlacer placer;
    private final Map<String, Placement> placements = new LinkedHashMap<>();
    private final Device tiedOutputDevice;
    private final Map<Device, Map<TensorGroup, Long>> groupBytes = new EnumMap<>(Device.class);
    private final Map<Device, Set<TensorGroup>> held = new EnumMap<>(Device.class);
    private final Device[] kvDevice;
    private final Map<Device, Long> kvBytes = new EnumMap<>(Device.class);
    private final long stagingBytes;
    private final Map<Device, ScratchEstimate> scratch = new EnumMap<>(Device.class);

    private PlacementPlan(ModelInventory inv, PlacementRequest req) {
        this.inventory = inv;
        this.request = req;
        HunyuanConfig c = inv.config();
        this.placer = new TensorPlacer(req, c.layers(), inv.tiedOutput());
        for (Device d : Device.values()) {
            groupBytes.put(d, new EnumMap<>(TensorGroup.class));
            held.put(d, EnumSet.noneOf(TensorGroup.class));
            kvBytes.put(d, 0L);
        }
        for (ModelInventory.Entry e : inv.tensors()) {
            TensorPlacer.Decision d = placer.decide(e.name());
            placements.put(e.name(), new Placement(e, d.device(), d.reason()));
            addWeight(d.device(), e.group(), e.bytes());
        }
        ModelInventory.Entry embd = inv.get(TensorNames.TOKEN_EMBD);
        if (inv.tiedOutput() && embd != null) {
            tiedOutputDevice = placer.decide(TensorNames.OUTPUT).device();
            boolean shared = tiedOutputDevice == deviceOf(TensorNames.TOKEN_EMBD);
            addWeight(tiedOutputDevice, TensorGroup.OUTPUT, shared ? 0 : embd.bytes());
        } else {
            tiedOutputDevice = null;
        }
        kvDevice = new Device[c.layers()];
        long perLayerKv = (long) req.contextLength() * (req.kType().rowBytes(c.kvDim()) + req.vType().rowBytes(c.kvDim()));
        for (int l = 0; l < c.layers(); l++) {
            // The cache is written from the K and V projections and read by the attention next to them.
            kvDevice[l] = deviceOf(TensorNames.attnK(l));
            kvBytes.merge(kvDevice[l], perLayerKv, Long::sum);
        }
        stagingBytes = computeStaging(c);
        // The runner's batch buffers live on the GPU whenever it is used (HybridBackend allocates them there).
        Device activations = gpuUsed() ? Device.CUDA0 : Device.CPU;
        for (Device d : Device.values()) {
            boolean routed = held.get(d).contains(TensorGroup.ROUTED_EXPERTS) || (d.isGpu() && stagingBytes > 0);
            scratch.put(d, ScratchEstimate.of(c, req.ubatch(), held.get(d), routed, d == activations));
        }
    }

    /** Plans {@code inventory} under {@code request}. */
    public static PlacementPlan of(ModelInventory inventory, PlacementRequest request) {
        return new PlacementPlan(inventory, request);
    }

    private void addWeight(Device d, TensorGroup g, long bytes) {
        groupBytes.get(d).merge(g, bytes, Long::sum);
        held.get(d).add(g);
    }

    /**
     * Two layers of routed experts when the GPU is in use, batches of -ub tokens pass the op-offload threshold, op
     * offload is on and some layer's experts stay on the CPU; sized by the largest streamed layer. The executor streams
     * a layer when all three of its expert tensors are on the CPU in types the CUDA kernels compute with (others keep
     * running on the CPU), and a slot pads each tensor to {@link #STAGING_ALIGN} bytes.
     */
    private long computeStaging(HunyuanConfig c) {
        if (!streamsBigBatches(c, request) || !gpuUsed()) return 0;
        Map<Integer, List<Placement>> experts = new LinkedHashMap<>();
        for (Placement p : placements.values()) {
            if (p.tensor().group() == TensorGroup.ROUTED_EXPERTS && p.tensor().layer() >= 0) {
                experts.computeIfAbsent(p.tensor().layer(), l -> new ArrayList<>()).add(p);
            }
        }
        long largest = 0;
        int streamed = 0;
        for (List<Placement> layer : experts.values()) {
            boolean stream = layer.size() == 3 && layer.stream().allMatch(p -> p.device() == Device.CPU && WeightFormat.of(p.tensor().type()) != null);
            if (!stream) continue;
            streamed++;
            largest = Math.max(largest, layer.stream().mapToLong(p -> (p.tensor().bytes() + STAGING_ALIGN - 1) / STAGING_ALIGN * STAGING_ALIGN).sum());
        }
        return Math.min(STAGED_LAYERS, streamed) * largest;
    }

    private boolean gpuUsed() {
        return weightBytes(Device.CUDA0) > 0 || kvBytes.get(Device.CUDA0) > 0;
    }

    /** Whether micro-batches of -ub tokens are big enough to compute CPU-resident experts on the GPU, op offload on. */
    public static boolean streamsBigBatches(HunyuanConfig c, PlacementRequest r) {
        return r.opOffload() && r.ubatch() >= r.opOffloadMinBatch(c);
    }

    /** Batches of at least this many tokens stream CPU-resident experts through the GPU; 0 when none do. */
    public int streamMinBatch() {
        return stagingBytes > 0 ? request.opOffloadMinBatch(inventory.config()) : 0;
    }

    public ModelInventory inventory() {
        return inventory;
    }

    public PlacementRequest request() {
        return request;
    }

    /** The device of any tensor name (names not in the model are decided by the same rules). */
    public Device deviceOf(String tensorName) {
        if (tensorName.equals(TensorNames.OUTPUT) && tiedOutputDevice != null) return tiedOutputDevice;
        Placement p = placements.get(tensorName);
        return p != null ? p.device() : placer.decide(tensorName).device();
    }

    /**
     * The loader's {@code backendFor}: each tensor name to the backend of its device. {@code gpu} may be null when
     * nothing is on the GPU; asking for a GPU tensor then fails with the tensor's name.
     */
    public Function<String, Backend> backendFor(Backend cpu, Backend gpu) {
        return name -> {
            if (!deviceOf(name).isGpu()) return cpu;
            if (gpu == null) throw new IllegalStateException("the placement puts " + name + " on " + deviceOf(name) + " but there is no GPU backend");
            return gpu;
        };
    }

    /** Every file tensor with its device, in file order. */
    public List<Placement> placements() {
        return List.copyOf(placements.values());
    }

    /** The device holding the output projection when it is tied to token_embd, else null. */
    public Device tiedOutputDevice() {
        return tiedOutputDevice;
    }

    public long bytes(Device d, TensorGroup g) {
        return groupBytes.get(d).getOrDefault(g, 0L);
    }

    /** How many file tensors of a group there are (on all devices). */
    public int tensorCount(TensorGroup g) {
        return (int) placements.values().stream().filter(p -> p.tensor().group() == g).count();
    }

    public long weightBytes(Device d) {
        return groupBytes.get(d).values().stream().mapToLong(Long::longValue).sum();
    }

    public Device kvDevice(int layer) {
        return kvDevice[layer];
    }

    public long kvBytes(Device d) {
        return kvBytes.get(d);
    }

    /** GPU staging for streamed experts (0 when not streaming). */
    public long stagingBytes() {
        return stagingBytes;
    }

    public ScratchEstimate scratch(Device d) {
        return scratch.get(d);
    }

    /** Weights, KV cache, scratch, and on the GPU the expert staging. */
    public long total(Device d) {
        return weightBytes(d) + kvBytes(d) + scratch(d).total() + (d.isGpu() ? stagingBytes : 0);
    }

    public long gpuBudget() {
        return request.gpuBudget();
    }

    public boolean fits() {
        return overflowBytes() == 0;
    }

    /** How far the GPU total exceeds the budget (0 when it fits). */
    public long overflowBytes() {
        return Math.max(0, total(Device.CUDA0) - request.gpuBudget());
    }

    /** Layers whose attention (and so KV cache) is on the GPU. */
    public int gpuAttentionLayers() {
        int n = 0;
        for (Device d : kvDevice) if (d.isGpu()) n++;
        return n;
    }

    /** What overflows and by how much, naming the largest parts on the GPU; null when the plan fits. */
    public String overflowMessage() {
        if (fits()) return null;
        long need = total(Device.CUDA0);
        String parts = largestParts(Device.CUDA0, 4);
        if (request.gpuBudget() == 0) {
            return "the placement puts " + MemorySize.human(need) + " on CUDA0 (" + parts + ") but there is no GPU memory"
                    + " (no CUDA device found, or --gpu-mem 0)";
        }
        return "CUDA0 needs " + MemorySize.human(need) + " but the budget is " + MemorySize.human(request.gpuBudget())
                + ": " + MemorySize.human(overflowBytes()) + " over (" + parts + ")";
    }

    /** "routed experts 40.50 GiB, KV cache 4.00 GiB, …": the device's largest parts, largest first. */
    String largestParts(Device d, int max) {
        Map<String, Long> parts = new LinkedHashMap<>();
        for (TensorGroup g : TensorGroup.values()) if (bytes(d, g) > 0) parts.put(g.label, bytes(d, g));
        if (kvBytes(d) > 0) parts.put("KV cache", kvBytes(d));
        if (scratch(d).total() > 0) parts.put("scratch", scratch(d).total());
        if (d.isGpu() && stagingBytes > 0) parts.put("expert staging", stagingBytes);
        return parts.entrySet().stream().sorted(Collections.reverseOrder(Map.Entry.comparingByValue())).limit(max)
                .map(e -> e.getKey() + " " + MemorySize.human(e.getValue())).collect(Collectors.joining(", "));
    }

    /**
     * A few lines for run and bench to print before loading: the placement flags, then per device what it holds
     * and its bytes, and for the GPU the budget and verdict.
     */
    public List<String> summaryLines() {
        int layers = inventory.config().layers();
        List<String> lines = new ArrayList<>();
        boolean gpu = request.gpuBudget() > 0 || total(Device.CUDA0) > 0;
        lines.add("placement: " + PlacementRequest.shellJoin(request.placementFlags(layers))
                + (gpu ? " | attention of " + gpuAttentionLayers() + "/" + layers + " layers on CUDA0" : ""));
        for (Device d : Device.values()) {
            if (total(d) == 0 && d.isGpu() && request.gpuBudget() == 0) continue;
            StringBuilder sb = new StringBuilder(d.name()).append(": ").append(MemorySize.gib(total(d))).append(" GiB");
            if (d.isGpu()) sb.append(" of ").append(MemorySize.gib(request.gpuBudget())).append(" GiB budget");
            sb.append(" = weights ").append(MemorySize.gib(weightBytes(d)));
            String parts = largestWeightGroups(d);
            if (!parts.isEmpty()) sb.append(" (").append(parts).append(")");
            sb.append(", KV cache ").append(MemorySize.gib(kvBytes(d))).append(", scratch ").append(MemorySize.gib(scratch(d).total()));
            if (d.isGpu() && stagingBytes > 0) {
                sb.append(", expert staging ").append(MemorySize.gib(stagingBytes)).append(" (batches of ").append(streamMinBatch())
                        .append("+ tokens run CPU-resident experts on the GPU)");
            }
            if (d.isGpu()) sb.append(fits() ? " — fits" : " — does not fit, " + MemorySize.gib(overflowBytes()) + " GiB over");
            lines.add(sb.toString());
        }
        return lines;
    }

    private String largestWeightGroups(Device d) {
        return groupBytes.get(d).entrySet().stream().filter(e -> e.getValue() > 0)
                .sorted(Collections.reverseOrder(Map.Entry.comparingByValue())).limit(3)
                .map(e -> e.getKey().label + " " + MemorySize.gib(e.getValue())).collect(Collectors.joining(", "));
    }
}
