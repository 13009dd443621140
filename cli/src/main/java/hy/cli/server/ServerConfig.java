package hy.cli.server;

import hy.runtime.sampling.SamplerConfig;
import hy.runtime.tensor.GgmlType;
import java.time.Duration;
import java.util.Objects;

/**
 * How the server runs.
 *
 * @param host          address to bind (127.0.0.1 unless told otherwise)
 * @param port          TCP port; 0 picks a free one
 * @param apiKey        required as {@code Authorization: Bearer KEY} (or {@code X-Api-Key}) when non-null
 * @param slots         parallel sequences (-np)
 * @param slotContext   context of each slot in tokens (llama-server's rule: -c divided by -np)
 * @param cacheTypeK    KV cache type for K
 * @param cacheTypeV    KV cache type for V
 * @param sampling      sampling defaults for requests that do not set a field
 * @param modelAlias    the model name in responses and /v1/models
 * @param heartbeat     how long a request may go without output before the server probes the client connection
 * @param maxQueue      requests that may wait for a slot; more get 503
 * @param maxBodyBytes  largest accepted request body
 */
public record ServerConfig(String host, int port, String apiKey, int slots, int slotContext, GgmlType cacheTypeK,
        GgmlType cacheTypeV, SamplerConfig sampling, String modelAlias, Duration heartbeat, int maxQueue,
        int maxBodyBytes) {

    public static final Duration DEFAULT_HEARTBEAT = Duration.ofMillis(200);
    public static final int DEFAULT_MAX_QUEUE = 1024;
    public static final int DEFAULT_MAX_BODY = 32 << 20;

    public ServerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(sampling, "sampling");
        Objects.requireNonNull(modelAlias, "modelAlias");
        Objects.requireNonNull(heartbeat, "heartbeat");
        if (port < 0 || port > 65535) throw new IllegalArgumentException("--port must be in 0..65535, got " + port);
        if (slots < 1) throw new IllegalArgumentException("-np must be at least 1, got " + slots);
        if (slotContext < 2) {
            throw new IllegalArgumentException("each of the " + slots + " slots would get " + slotContext
                    + " tokens of context; raise -c or lower -np");
        }
        if (apiKey != null && apiKey.isEmpty()) throw new IllegalArgumentException("--api-key must not be empty");
    }

    /** Defaults for everything but the model-specific parts; tests and the command adjust from here. */
    public static ServerConfig defaults(int slots, int slotContext, String modelAlias) {
        return new ServerConfig("127.0.0.1", 8080, null, slots, slotContext, GgmlType.F16, GgmlType.F16,
                SamplerConfig.HUNYUAN_DEFAULTS, modelAlias, DEFAULT_HEARTBEAT, DEFAULT_MAX_QUEUE, DEFAULT_MAX_BODY);
    }

    public ServerConfig withPort(int p) {
        return new ServerConfig(host, p, apiKey, slots, slotContext, cacheTypeK, cacheTypeV, sampling, modelAlias, heartbeat,
                maxQueue, maxBodyBytes);
    }

    public ServerConfig withHost(String h) {
        return new ServerConfig(h, port, apiKey, slots, slotContext, cacheTypeK, cacheTypeV, sampling, modelAlias, heartbeat,
                maxQueue, maxBodyBytes);
    }

    public ServerConfig withApiKey(String k) {
        return new ServerConfig(host, port, k, slots, slotContext, cacheTypeK, cacheTypeV, sampling, modelAlias, heartbeat,
                maxQueue, maxBodyBytes);
    }

    public ServerConfig withCacheTypes(GgmlType k, GgmlType v) {
        return new ServerConfig(host, port, apiKey, slots, slotContext, k, v, sampling, modelAlias, heartbeat, maxQueue,
                maxBodyBytes);
    }

    public ServerConfig withSampling(SamplerConfig s) {
        return new ServerConfig(host, port, apiKey, slots, slotContext, cacheTypeK, cacheTypeV, s, modelAlias, heartbeat,
                maxQueue, maxBodyBytes);
    }

    public ServerConfig withHeartbeat(Duration d) {
        return new ServerConfig(host, port, apiKey, slots, slotContext, cacheTypeK, cacheTypeV, sampling, modelAlias, d,
                maxQueue, maxBodyBytes);
    }

    public ServerConfig withMaxQueue(int q) {
        return new ServerConfig(host, port, apiKey, slots, slotContext, cacheTypeK, cacheTypeV, sampling, modelAlias, heartbeat,
                q, maxBodyBytes);
    }
}
