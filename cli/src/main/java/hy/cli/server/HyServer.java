package hy.cli.server;

import com.sun.net.httpserver.HttpServer;
import hy.cli.server.engine.GenerationEngine;
import hy.cli.server.engine.SlotScheduler;
import hy.runtime.engine.LoadedModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An OpenAI-compatible HTTP server (plus llama-server's own endpoints) over one loaded model.
 *
 * <p>HTTP is the JDK's built-in server (jdk.httpserver: no dependency, part of the bundle's runtime image), with one
 * virtual thread per request so that waiting requests cost little. Generation runs on the {@link SlotScheduler}'s
 * single engine thread; request threads only parse, queue, and write what the engine reports. Neither this server
 * nor Jetty notices an HTTP/1 client's disconnect until it writes, so a quiet request writes a harmless heartbeat
 * (see {@link GenerationResponse}) and a failed write cancels the request's job.
 */
public final class HyServer implements AutoCloseable {
    static {
        // Token events are small writes; without TCP_NODELAY, Nagle's algorithm would hold each one back.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HttpServer http;
    private final GenerationEngine engine;
    private final ExecutorService executor;

    private HyServer(HttpServer http, GenerationEngine engine, ExecutorService executor) {
        this.http = http;
        this.engine = engine;
        this.executor = executor;
    }

    /** Creates the slots, binds the address and starts serving; internal errors are logged to {@code log}. */
    public static HyServer start(LoadedModel model, ServerConfig cfg, PrintWriter log) throws IOException {
        return start(model, cfg, new SlotScheduler(model, cfg.slots(), cfg.slotContext(), cfg.cacheTypeK(), cfg.cacheTypeV(),
                cfg.maxQueue()), log);
    }

    /** Serves with the given engine (closed with the server); the model supplies tokenizer and metadata. */
    public static HyServer start(LoadedModel model, ServerConfig cfg, GenerationEngine engine, PrintWriter log) throws IOException {
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(cfg.host(), cfg.port()), 256);
        } catch (IOException | RuntimeException e) {
            engine.close();
            throw new IOException("cannot listen on " + cfg.host() + ":" + cfg.port() + ": " + e.getMessage()
                    + " (is another server running there? choose another --port)", e);
        }
        ServerContext ctx = new ServerContext(model, cfg, engine);
        http.createContext("/", routes(ctx, cfg, log));
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        http.setExecutor(executor);
        http.start();
        return new HyServer(http, engine, executor);
    }

    private static Router routes(ServerContext ctx, ServerConfig cfg, PrintWriter log) {
        GenerationEndpoints gen = new GenerationEndpoints(ctx);
        TokenEndpoints tokens = new TokenEndpoints(ctx);
        InfoEndpoints info = new InfoEndpoints(ctx);
        Router r = new Router(cfg.apiKey(), cfg.maxBodyBytes(), log);
        for (String p : new String[] {"/v1/chat/completions", "/chat/completions"}) r.add("POST", p, gen::chat);
        r.add("POST", "/v1/completions", gen::openAiCompletion);
        for (String p : new String[] {"/completion", "/completions"}) r.add("POST", p, gen::llamaCompletion);
        r.add("POST", "/tokenize", tokens::tokenize);
        r.add("POST", "/detokenize", tokens::detokenize);
        r.add("POST", "/apply-template", tokens::applyTemplate);
        for (String p : new String[] {"/health", "/v1/health"}) r.addOpen("GET", p, info::health);
        for (String p : new String[] {"/v1/models", "/models"}) r.addOpen("GET", p, info::models);
        r.add("GET", "/props", info::props);
        r.add("GET", "/slots", info::slots);
        return r;
    }

    /** The bound address (the actual port when 0 was asked for). */
    public InetSocketAddress address() {
        return http.getAddress();
    }

    public GenerationEngine engine() {
        return engine;
    }

    /** Stops accepting, ends running requests (their clients get an error event or body) and frees the slots. */
    @Override
    public void close() {
        engine.close();
        http.stop(1);
        executor.shutdownNow();
    }
}
