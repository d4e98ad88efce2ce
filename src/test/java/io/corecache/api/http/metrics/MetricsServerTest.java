package io.corecache.api.http.metrics;

import io.corecache.api.http.HttpServer;
import io.corecache.cluster.CoreCacheNode;
import io.corecache.cluster.TestNodes;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GET /metrics over a real socket, as Prometheus scrapes it: the Content-Type header as sent, and what the
 * HTTP server itself does before routing (HEAD answered as GET; requests its parser refuses never reach
 * the routes, so they are not counted).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsServerTest {

    private static final String REQUESTS = "corecache_http_requests_total";

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private CoreCacheNode node;
    private URI base;

    @BeforeAll
    void start(@TempDir Path dataDir) {
        node = TestNodes.start(dataDir, Map.of("corecache.http.port", 0));
        ServerBinding binding = HttpServer.start(node);
        base = URI.create("http://127.0.0.1:" + binding.localAddress().getPort());
    }

    @AfterAll
    void stop() {
        TestNodes.stop(node);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return client.send(request.timeout(Duration.ofSeconds(10)).build(), BodyHandlers.ofString());
    }

    private HttpRequest.Builder at(String path) {
        return HttpRequest.newBuilder(base.resolve(path));
    }

    private MetricsScrape scrape() throws IOException, InterruptedException {
        HttpResponse<String> response = send(at("/metrics").GET());
        assertEquals(200, response.statusCode());
        return MetricsScrape.parse(response.body());
    }

    @Test
    void theContentTypeIsTheTextFormat004() throws Exception {
        HttpResponse<String> response = send(at("/metrics").GET());
        assertEquals(200, response.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8",
                response.headers().firstValue("Content-Type").orElseThrow().toLowerCase());
        assertTrue(response.body().contains("# TYPE corecache_engine_live_keys gauge"));
    }

    @Test
    void headIsAnsweredAsGetAndCountedAsGet() throws Exception {
        assertEquals(201, send(at("/v1/kv/server-head").PUT(BodyPublishers.ofString("v"))).statusCode());
        Map<String, String> get = Map.of("route", "/v1/kv/{key}", "method", "GET", "status", "200");
        Map<String, String> head = Map.of("route", "/v1/kv/{key}", "method", "HEAD", "status", "200");
        MetricsScrape before = scrape();

        HttpResponse<String> response = send(at("/v1/kv/server-head").method("HEAD", BodyPublishers.noBody()));

        assertEquals(200, response.statusCode());
        MetricsScrape after = scrape();
        assertEquals(before.valueOr0(REQUESTS, get) + 1, after.valueOr0(REQUESTS, get));
        assertEquals(0, after.valueOr0(REQUESTS, head));
    }

    @Test
    void requestsTheServerRefusesBeforeRoutingAreNotCounted() throws Exception {
        MetricsScrape before = scrape();
        double total = before.named(REQUESTS).stream().mapToDouble(MetricsScrape.Sample::value).sum();

        // Longer than pekko.http.server.parsing.max-uri-length (64k): the parser answers 414 itself.
        HttpResponse<String> response = send(at("/v1/kv/" + "k".repeat(70 * 1024)).GET());

        assertEquals(414, response.statusCode());
        MetricsScrape after = scrape();
        // The only request counted in between is the first scrape itself.
        assertEquals(total + 1, after.named(REQUESTS).stream().mapToDouble(MetricsScrape.Sample::value).sum());
    }
}
