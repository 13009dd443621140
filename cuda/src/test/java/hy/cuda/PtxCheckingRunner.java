package hy.cuda;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A KernelRunner for tests without a GPU: every launch must name a kernel that exists in the packaged PTX of its
 * module, with arguments matching the kernel's PTX parameter types; launches are recorded for assertions.
 */
public final class PtxCheckingRunner implements KernelRunner {
    public record Launch(PtxModule module, String kernel, LaunchConfig config, KernelArgs args) {}

    private static final EnumMap<PtxModule, Map<String, List<String>>> SIGNATURES = new EnumMap<>(PtxModule.class);

    public static synchronized Map<String, List<String>> signatures(PtxModule m) {
        return SIGNATURES.computeIfAbsent(m, k -> PtxSignatures.parse(PtxResources.read(k.fileName())));
    }

    public final List<Launch> launches = new ArrayList<>();

    @Override
    public void launch(PtxModule module, String kernel, LaunchConfig config, KernelArgs args) {
        List<String> sig = signatures(module).get(kernel);
        if (sig == null) throw new AssertionError("module " + module.fileName() + " has no kernel " + kernel);
        String problem = args.mismatch(sig);
        if (problem != null) throw new AssertionError(kernel + ": " + problem);
        launches.add(new Launch(module, kernel, config, args));
    }

    public Launch last() {
        return launches.getLast();
    }
}
