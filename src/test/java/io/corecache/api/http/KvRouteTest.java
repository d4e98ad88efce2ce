package io.corecache.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.corecache.cluster.ReplicaProtocol.GetStats;
import io.corecache.cluster.ReplicaProtocol.PartitionStats;
import io.corecache.engine.StorageEngine;
import io.corecache.engine.Versioned;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethod;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Helpers of the {@code /v1/kv/{key}} route tests. Requests carry {@code Raw-Request-URI} as the real server
 * adds it (raw-request-uri-header = on in corecache-node.conf): the testkit does not, and without it a key
 * that is not UTF-8 would reach the route re-encoded. {@link KvWireTest} checks the server really sends it.
 *
 * <p>"Unchanged" is checked two ways: the key reads back exactly as before (status, value, ETag, times), and
 * no partition's revision moved, so a refused request wrote nothing anywhere, under any key.
 */
abstract class KvRouteTest extends NodeRouteTest {

    /** A request for {@code target} (a raw request target, as a client would put on the wire). */
    static HttpRequest request(HttpMethod method, String target, HttpHeader... headers) {
        return HttpRequest.create(target).withMethod(method)
                .addHeader(RawHeader.create("Raw-Request-URI", target))
                .addHeaders(Arrays.asList(headers));
    }

    static HttpRequest put(String target, String value, HttpHeader... headers) {
        return request(HttpMethods.PUT, target, headers)
                .withEntity(ContentTypes.APPLICATION_OCTET_STREAM, value.getBytes(StandardCharsets.UTF_8));
    }

    static HttpRequest get(String target, HttpHeader... headers) {
        return request(HttpMethods.GET, target, headers);
    }

    static HttpRequest delete(String target, HttpHeader... headers) {
        return request(HttpMethods.DELETE, target, headers);
    }

    static HttpHeader header(String name, String value) {
        return RawHeader.create(name, value);
    }

    /** Puts and returns the revision from the ETag, checking the status says created or replaced. */
    long write(String target, String value, boolean created) {
        TestRouteResult result = api.run(put(target, value));
        result.assertStatusCode(created ? 201 : 200);
        return revisionOf(result);
    }

    static long revisionOf(TestRouteResult result) {
        String etag = result.response().getHeader("ETag").orElseThrow().value();
        assertTrue(etag.matches("\"[0-9]+\""), "ETag " + etag + " is a quoted revision");
        return Long.parseLong(etag.substring(1, etag.length() - 1));
    }

    /** A JSON error: the status, the code, JSON content, a non-empty message. */
    static JsonNode assertError(TestRouteResult result, int status, String code) {
        result.assertStatusCode(status);
        assertEquals(ContentTypes.APPLICATION_JSON, result.response().entity().getContentType(),
                "errors are JSON: " + result.entityString());
        JsonNode body = json(result.entityString());
        assertEquals(code, body.path("error").asText(), result.entityString());
        assertTrue(!body.path("message").asText().isBlank(), "the error has a message: " + result.entityString());
        return body;
    }

    static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    /** What a GET of the key shows: status, value, ETag, Last-Modified and the X- headers. */
    record Seen(int status, String value, String etag, String createdAt, String expiresAt) {
    }

    Seen seen(String target) {
        TestRouteResult result = api.run(get(target));
        var response = result.response();
        return new Seen(response.status().intValue(),
                response.status().intValue() == 200 ? result.entityString() : null,
                response.getHeader("ETag").map(HttpHeader::value).orElse(null),
                response.getHeader("X-Created-At").map(HttpHeader::value).orElse(null),
                response.getHeader("X-Expires-At").map(HttpHeader::value).orElse(null));
    }

    /** The sum of every partition's revision: it moves with any write to any key. */
    long revisionsOfAllPartitions() {
        long sum = 0;
        for (int p = 0; p < node.router().partitions(); p++) {
            var reply = node.router().ask(p, GetStats::new).toCompletableFuture().join();
            sum += ((PartitionStats) reply).revision();
        }
        return sum;
    }

    /**
     * Runs {@code refused}, checks it is the JSON error {@code status}/{@code code}, and that neither the key of
     * {@code target} nor any partition changed.
     */
    JsonNode assertRefusedUnchanged(HttpRequest refused, int status, String code, String target) {
        Seen before = seen(target);
        long revisions = revisionsOfAllPartitions();
        JsonNode body = assertError(api.run(refused), status, code);
        assertEquals(before, seen(target), "the key is unchanged after " + refused.method().name() + " " + code);
        assertEquals(revisions, revisionsOfAllPartitions(), "nothing was written after " + code);
        return body;
    }

    /** The version the engine holds for exactly these key bytes, read from the partition's engine itself. */
    Optional<Versioned> stored(byte[] key) {
        StorageEngine engine = node.host().openEngines().get(node.router().partitionOf(key));
        return Optional.ofNullable(engine.get(key));
    }

    void assertStored(byte[] key, String value) {
        Versioned version = stored(key).orElseThrow(() -> new AssertionError("no value stored under "
                + Arrays.toString(key)));
        assertArrayEquals(value.getBytes(StandardCharsets.UTF_8), version.value());
    }

    /**
     * Waits until the system clock (the node's clock) is past {@code epochMillis}: not a timing assertion, only
     * a way to make "later" true before asserting what later looks like. Bounded, as every loop in the tests.
     */
    static void awaitClockPast(long epochMillis) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (System.currentTimeMillis() <= epochMillis) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the clock did not pass " + epochMillis + " within 30 s");
            }
            try {
                Thread.sleep(Math.max(1, Math.min(100, epochMillis - System.currentTimeMillis() + 1)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    static long instant(String isoInstant) {
        return java.time.Instant.parse(isoInstant).toEpochMilli();
    }

    static StatusCode status(TestRouteResult result) {
        return result.response().status();
    }
}
