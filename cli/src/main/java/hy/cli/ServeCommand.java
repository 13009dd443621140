package hy.cli;

import hy.cli.server.HyServer;
import hy.cli.server.ServerConfig;
import hy.runtime.engine.LoadedModel;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * An OpenAI-compatible HTTP server with llama-server's endpoints and flags. -c is the total context, split evenly
 * over the -np slots as llama-server does; each slot keeps its conversation cached so that the next turn only
 * evaluates what is new. Runs until interrupted.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Serve the model over HTTP: OpenAI chat and text completions, llama-server's /completion (n_probs), "
                + "/tokenize, /detokenize, /apply-template, /health, /props, /slots, /v1/models. -c is split over the -np "
                + "slots. Without -m: the embedded tiny model.")
final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--host", paramLabel = "ADDR", description = "address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 exposes the server to the network)")
    String host = "127.0.0.1";

    @Option(names = "--port", paramLabel = "N", description = "TCP port, 0 = any free one (default: ${DEFAULT-VALUE})")
    int port = 8080;

    @Option(names = "--api-key", paramLabel = "KEY", defaultValue = "${env:HY_API_KEY}",
            description = "require Authorization: Bearer KEY on all endpoints but /health and /v1/models (default: $HY_API_KEY if set)")
    String apiKey;

    @Option(names = {"-np", "--parallel"}, paramLabel = "N", description = "parallel slots; -c is split between them (default: ${DEFAULT-VALUE})")
    int parallel = 1;

    @Option(names = {"-a", "--alias"}, paramLabel = "NAME", description = "model name in responses and /v1/models (default: the file name)")
    String alias;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    SamplingOptions sampling;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        // Flags are checked before the (possibly long) model load.
        if (parallel < 1) throw new IllegalArgumentException("-np must be at least 1, got " + parallel);
        if (port < 0 || port > 65535) throw new IllegalArgumentException("--port must be in 0..65535, got " + port);
        // Ctrl-C runs the hook: it releases the main thread, then waits until the server is closed.
        CountDownLatch stop = new CountDownLatch(1), closed = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                closed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "hy-serve-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try (LoadedModel m = ModelSetup.load(modelOptions, err)) {
            int total = ModelSetup.contextLength(modelOptions, m);
            ServerConfig cfg = ServerConfig.defaults(parallel, total / parallel, modelName())
                    .withHost(host).withPort(port).withApiKey(apiKey == null || apiKey.isEmpty() ? null : apiKey)
                    .withCacheTypes(modelOptions.cacheTypeK, modelOptions.cacheTypeV).withSampling(sampling.config());
            try (HyServer server = HyServer.start(m, cfg, err)) {
                out.printf("hy: listening on http://%s:%d (%d slot%s x %d tokens%s)%n", server.address().getHostString(),
                        server.address().getPort(), parallel, parallel == 1 ? "" : "s", cfg.slotContext(),
                        cfg.apiKey() != null ? ", API key required" : "");
                out.flush();
                try {
                    stop.await();
                } catch (InterruptedException e) {
                    // Interrupted by an embedding program (tests): a normal shutdown.
                    Thread.currentThread().interrupt();
                }
            }
        } finally {
            closed.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running; it returns now that the server is closed
            }
        }
        return 0;
    }

    private String modelName() {
        if (alias != null) return alias;
        if (modelOptions.model == null) return "hy-embedded-tiny";
        Path name = modelOptions.model.getFileName();
        return name == null ? modelOptions.model.toString() : name.toString();
    }
}
