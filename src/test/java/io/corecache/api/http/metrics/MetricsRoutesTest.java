package io.corecache.api.http.metrics;

import io.corecache.api.http.NodeRouteTest;
import io.corecache.cluster.Partitioner;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GET /metrics through the routes of a real node: requests counted and timed by route template, method and
 * status (errors included), engine statistics per partition, JVM metrics, in the Prometheus text format.
 * Counts are compared before and after, since the tests of this class share one node.
 */
class MetricsRoutesTest extends NodeRouteTest {

    private static final String REQUESTS = "corecache_http_requests_total";
    private static final String LATENCY = "corecache_http_request_duration_seconds";

    @Override
    protected Map<String, Object> settings() {
        return Map.of("corecache.limits.max-value-bytes", "1KiB");
    }

    private MetricsScrape scrape() {
        TestRouteResult result = api.run(HttpRequest.GET("/metrics")).assertStatusCode(StatusCodes.OK);
        return MetricsScrape.parse(result.entityString());
    }

    private static Map<String, String> series(String route, String method, String status) {
        return Map.of("route", route, "method", method, "status", status);
    }

    @Test
    void answersInThePrometheusTextFormat() {
        var response = api.run(HttpRequest.GET("/metrics")).assertStatusCode(StatusCodes.OK).response();
        var contentType = response.entity().getContentType();
        assertEquals("text/plain", contentType.mediaType().toString().split(";")[0].trim());
        assertTrue(contentType.toString().contains("version=0.0.4"), contentType.toString());
        assertEquals("utf-8", contentType.getCharsetOption().orElseThrow().value().toLowerCase());
        String text = api.run(HttpRequest.GET("/metrics")).entityString();
        assertTrue(text.contains("# TYPE " + REQUESTS + " counter"), text);
        assertTrue(text.contains("# TYPE " + LATENCY + " histogram"), text);
    }

    @Test
    void routingIsCountedByTargetNodeAndThePartitionsHostedAreShown() {
        Map<String, String> self = Map.of("target_node", node.identity().nodeId());
        MetricsScrape before = scrape();
        api.run(HttpRequest.PUT("/v1/kv/routed").withEntity("v")).assertStatusCode(StatusCodes.CREATED);
        api.run(HttpRequest.GET("/v1/kv/routed")).assertStatusCode(StatusCodes.OK);
        MetricsScrape after = scrape();

        assertEquals(before.valueOr0("corecache_routed_requests_total", self) + 2,
                after.valueOr0("corecache_routed_requests_total", self));
        assertEquals(node.settings().partitions(), after.valueOr0("corecache_partitions_hosted", Map.of()),
                "a cluster of one hosts every partition");
    }

    @Test
    void aPutIsCountedUnderTheKeyTemplateWithItsMethodAndStatus() {
        Map<String, String> created = series("/v1/kv/{key}", "PUT", "201");
        Map<String, String> replaced = series("/v1/kv/{key}", "PUT", "200");
        MetricsScrape before = scrape();

        api.run(HttpRequest.PUT("/v1/kv/metrics-counted").withEntity("one")).assertStatusCode(StatusCodes.CREATED);
        api.run(HttpRequest.PUT("/v1/kv/metrics-counted").withEntity("two")).assertStatusCode(StatusCodes.OK);

        MetricsScrape after = scrape();
        assertEquals(before.valueOr0(REQUESTS, created) + 1, after.valueOr0(REQUESTS, created));
        assertEquals(before.valueOr0(REQUESTS, replaced) + 1, after.valueOr0(REQUESTS, replaced));
        assertEquals(before.valueOr0(LATENCY + "_count", created) + 1, after.valueOr0(LATENCY + "_count", created));
        Map<String, String> infBucket = new java.util.HashMap<>(created);
        infBucket.put("le", "+Inf");
        assertEquals(before.valueOr0(LATENCY + "_bucket", infBucket) + 1, after.valueOr0(LATENCY + "_bucket", infBucket));
        assertTrue(after.valueOr0(LATENCY + "_sum", created) > before.valueOr0(LATENCY + "_sum", created));
        // The raw path is never a label: one series per key would grow without bound.
        assertTrue(after.samples().stream().noneMatch(s -> s.labels().values().stream()
                .anyMatch(v -> v.contains("metrics-counted"))));
    }

    @Test
    void refusedAndFailedRequestsAreCountedWithTheStatusTheClientSaw() {
        Map<String, String> unknownRoute = series("other", "GET", "404");
        Map<String, String> wrongMethod = series("/metrics", "DELETE", "405");
        Map<String, String> tooLarge = series("/v1/kv/{key}", "PUT", "413");
        Map<String, String> missing = series("/v1/kv/{key}", "GET", "404");
        Map<String, String> emptyKey = series("/v1/kv/{key}", "GET", "400");
        MetricsScrape before = scrape();

        api.run(HttpRequest.GET("/no/such/route")).assertStatusCode(StatusCodes.NOT_FOUND);
        api.run(HttpRequest.DELETE("/metrics")).assertStatusCode(StatusCodes.METHOD_NOT_ALLOWED);
        api.run(HttpRequest.PUT("/v1/kv/metrics-big").withEntity(new byte[2048]))
                .assertStatusCode(StatusCodes.PAYLOAD_TOO_LARGE);
        // Without a Content-Length the limit is met while the body streams in: the route's future fails, and
        // the error handling inside the instrumentation turns that into the response that is counted.
        int streamed = api.run(HttpRequest.PUT("/v1/kv/metrics-big-streamed").withEntity(HttpEntities.createChunked(
                        ContentTypes.APPLICATION_OCTET_STREAM,
                        Source.from(java.util.List.of(ByteString.fromArray(new byte[700]),
                                ByteString.fromArray(new byte[700]))))))
                .response().status().intValue();
        api.run(HttpRequest.GET("/v1/kv/metrics-never-written")).assertStatusCode(StatusCodes.NOT_FOUND);
        api.run(HttpRequest.GET("/v1/kv/")).assertStatusCode(StatusCodes.BAD_REQUEST);

        MetricsScrape after = scrape();
        assertEquals(before.valueOr0(REQUESTS, unknownRoute) + 1, after.valueOr0(REQUESTS, unknownRoute));
        assertEquals(before.valueOr0(REQUESTS, wrongMethod) + 1, after.valueOr0(REQUESTS, wrongMethod));
        assertEquals(413, streamed, "a streamed body over the limit is refused while it streams");
        double tooLargeCount = 2; // the declared one and the streamed one
        assertEquals(before.valueOr0(REQUESTS, tooLarge) + tooLargeCount, after.valueOr0(REQUESTS, tooLarge));
        assertEquals(before.valueOr0(REQUESTS, missing) + 1, after.valueOr0(REQUESTS, missing));
        assertEquals(before.valueOr0(REQUESTS, emptyKey) + 1, after.valueOr0(REQUESTS, emptyKey));
        assertEquals(before.valueOr0(LATENCY + "_count", tooLarge) + tooLargeCount,
                after.valueOr0(LATENCY + "_count", tooLarge));
    }

    @Test
    void everyRouteHasItsTemplate() {
        Map<String, String> expected = new java.util.LinkedHashMap<>();
        expected.put("/v1/kv", "/v1/kv");
        expected.put("/v1/kv/a/b%2Fc", "/v1/kv/{key}");
        expected.put("/v1/batch", "/v1/batch");
        expected.put("/v1/cluster", "/v1/cluster");
        expected.put("/metrics", "/metrics");
        expected.put("/get/?key=x", "seed");
        expected.put("/store/x", "seed");
        expected.put("/?key=x", "seed");
        expected.put("/v1/kvx", "other");
        expected.put("/v1/batch/extra", "other");
        expected.put("/metrics/", "other");
        for (var entry : expected.entrySet()) {
            MetricsScrape before = scrape();
            int status = api.run(HttpRequest.GET(entry.getKey())).response().status().intValue();
            MetricsScrape after = scrape();
            Map<String, String> labels = series(entry.getValue(), "GET", Integer.toString(status));
            // A scrape is counted once its response is produced, so "after" includes "before"'s own request.
            int scrapes = labels.equals(series("/metrics", "GET", "200")) ? 1 : 0;
            assertEquals(before.valueOr0(REQUESTS, labels) + 1 + scrapes, after.valueOr0(REQUESTS, labels),
                    entry.getKey() + " should count as " + labels);
        }
    }

    @Test
    void latencyRunsUntilTheResponseIsProducedIncludingTheBody() {
        Map<String, String> created = series("/v1/kv/{key}", "PUT", "201");
        Map<String, String> fastBucket = new java.util.HashMap<>(created);
        fastBucket.put("le", "0.25");
        MetricsScrape before = scrape();

        // The body arrives 300 ms after the request: the route cannot answer before it has it.
        api.run(HttpRequest.PUT("/v1/kv/metrics-slow-body").withEntity(HttpEntities.createChunked(
                        ContentTypes.APPLICATION_OCTET_STREAM,
                        Source.single(ByteString.fromString("late")).initialDelay(Duration.ofMillis(300)))))
                .assertStatusCode(StatusCodes.CREATED);

        MetricsScrape after = scrape();
        assertEquals(before.valueOr0(LATENCY + "_count", created) + 1, after.valueOr0(LATENCY + "_count", created));
        assertEquals(before.valueOr0(LATENCY + "_bucket", fastBucket), after.valueOr0(LATENCY + "_bucket", fastBucket),
                "a request that waited 300 ms for its body is not in the 0.25 s bucket");
        assertTrue(after.valueOr0(LATENCY + "_sum", created) - before.valueOr0(LATENCY + "_sum", created) >= 0.3);
    }

    @Test
    void bucketsAreCumulativeAndFineBelowTenMilliseconds() {
        api.run(HttpRequest.PUT("/v1/kv/metrics-buckets").withEntity("v")).assertStatusCode(StatusCodes.CREATED);
        MetricsScrape after = scrape();
        var buckets = after.named(LATENCY + "_bucket").stream()
                .filter(s -> s.labels().get("route").equals("/v1/kv/{key}") && s.labels().get("method").equals("PUT")
                        && s.labels().get("status").equals("201"))
                .toList();
        assertEquals(RequestMetrics.LATENCY_BUCKETS.length + 1, buckets.size());
        assertTrue(buckets.stream().anyMatch(b -> b.labels().get("le").equals("0.001")));
        for (int i = 1; i < buckets.size(); i++) {
            assertTrue(buckets.get(i).value() >= buckets.get(i - 1).value(), "cumulative: " + buckets);
        }
    }

    @Test
    void engineStatisticsArePerPartitionAndCurrentAtEachScrape() {
        byte[] key = "metrics-engine-key".getBytes(StandardCharsets.UTF_8);
        String partition = Integer.toString(new Partitioner(node.settings().partitions()).partitionOf(key));
        Map<String, String> labels = Map.of("partition", partition);
        MetricsScrape before = scrape();

        api.run(HttpRequest.PUT("/v1/kv/metrics-engine-key").withEntity("value")).assertStatusCode(StatusCodes.CREATED);

        MetricsScrape after = scrape();
        for (int p = 0; p < node.settings().partitions(); p++) {
            Map<String, String> of = Map.of("partition", Integer.toString(p));
            for (String name : new String[]{"corecache_engine_live_keys", "corecache_engine_disk_bytes",
                    "corecache_engine_dead_bytes", "corecache_engine_files", "corecache_engine_revision",
                    "corecache_engine_merges_total", "corecache_engine_reclaimed_bytes_total"}) {
                assertTrue(after.has(name, of), name + of);
            }
        }
        assertEquals(before.valueOr0("corecache_engine_live_keys", labels) + 1,
                after.valueOr0("corecache_engine_live_keys", labels));
        assertTrue(after.valueOr0("corecache_engine_revision", labels)
                > before.valueOr0("corecache_engine_revision", labels));
        assertTrue(after.valueOr0("corecache_engine_disk_bytes", labels)
                > before.valueOr0("corecache_engine_disk_bytes", labels));
        assertTrue(after.valueOr0("corecache_engine_files", labels) >= 1);
        assertEquals(node.settings().partitions(), after.valueOr0("corecache_engine_partitions_open", Map.of()));
        assertEquals(node.settings().partitions(), after.valueOr0("corecache_partitions", Map.of()));
    }

    @Test
    void includesTheJvmMetrics() {
        MetricsScrape metrics = scrape();
        assertFalse(metrics.named("jvm_memory_used_bytes").isEmpty());
        assertFalse(metrics.named("jvm_threads_current").isEmpty());
        assertFalse(metrics.named("jvm_gc_collection_seconds_count").isEmpty());
        // Registered once per JVM however many nodes and APIs there are: no duplicate series.
        assertEquals(1, metrics.named("jvm_threads_current").size());
    }
}
