package hy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code hy serve}: flags, the listening line, a request, and a clean stop. */
class ServeCommandTest {

    @Test
    void servesTheEmbeddedModelUntilStopped() throws Exception {
        StringWriter out = new StringWriter(), err = new StringWriter();
        AtomicInteger exit = new AtomicInteger(-1);
        Thread t = Thread.ofPlatform().start(() -> exit.set(Hy.execute(new PrintWriter(out, true), new PrintWriter(err, true),
                "serve", "--port", "0", "-np", "2", "-c", "512", "--api-key", "k", "--alias", "mini")));
        Pattern listening = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+) \\(2 slots x 256 tokens, API key required\\)");
        long deadline = System.nanoTime() + 30_000_000_000L;
        Matcher m = listening.matcher("");
        while (!m.reset(out.toString()).find()) {
            assertTrue(System.nanoTime() < deadline && t.isAlive(), "no listening line; stderr: " + err);
            Thread.sleep(20);
        }
        HttpClient http = HttpClient.newHttpClient();
        URI base = URI.create("http://127.0.0.1:" + m.group(1));
        HttpResponse<String> models = http.send(HttpRequest.newBuilder(base.resolve("/v1/models")).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(models.body().contains("\"id\":\"mini\""), models.body());
        HttpResponse<String> denied = http.send(HttpRequest.newBuilder(base.resolve("/props")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, denied.statusCode());
        t.interrupt();
        t.join(10_000);
        assertEquals(0, exit.get(), err.toString());
    }

    @Test
    void badFlagsGiveOneErrorLine() {
        assertTrue(CliRun.of("serve", "-np", "0").oneErrorLine());
        CliRun r = CliRun.of("serve", "--port", "70000");
        assertTrue(r.oneErrorLine(), r.err());
        assertTrue(r.err().contains("--port"), r.err());
        CliRun tiny = CliRun.of("serve", "-np", "8", "-c", "8");
        assertTrue(tiny.err().contains("raise -c or lower -np"), tiny.err());
    }
}
