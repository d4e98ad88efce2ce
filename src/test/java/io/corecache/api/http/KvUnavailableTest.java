package io.corecache.api.http;

import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A partition that does not answer within {@code request-timeout} gives 503 timeout with Retry-After, for
 * reads and writes, instead of a hanging request. The partition is made slow exactly as in
 * {@link KvOverloadTest}: its fsync is held at {@link GatedFsyncExecutor}'s gate.
 *
 * <p>What a client must know, and this test pins: a write that timed out may still have been applied (its
 * outcome is unknown, and the message says so); here it was, and is readable once the partition recovers.
 */
class KvUnavailableTest extends KvRouteTest {

    @Override
    protected Map<String, Object> settings() {
        return Map.of("corecache.request-timeout", "2s",
                "corecache.durability", "sync",
                "corecache.fsync-dispatcher.executor", GatedFsyncExecutor.class.getName());
    }

    @AfterEach
    void openTheGate() {
        GatedFsyncExecutor.open();
    }

    @Test
    void aPartitionThatDoesNotAnswerIs503TimeoutWithRetryAfter() throws Exception {
        GatedFsyncExecutor.close();
        CompletableFuture<HttpResponse> write = new HttpApi(node).route().handler(node.system())
                .apply(put("/v1/kv/%7Bslow%7Dkey", "v")).toCompletableFuture();
        GatedFsyncExecutor.awaitWaiting(1);

        // A read of the same partition waits behind the unsynced write, and times out too.
        TestRouteResult read = api.run(get("/v1/kv/%7Bslow%7Dkey"));
        assertError(read, 503, "timeout");
        read.assertHeaderExists("Retry-After", "1");

        HttpResponse timedOut = write.get(10, TimeUnit.SECONDS);
        assertEquals(503, timedOut.status().intValue());
        assertEquals("1", timedOut.getHeader("Retry-After").orElseThrow().value());
        String body = timedOut.entity().toStrict(5000, materializer()).toCompletableFuture().get(10, TimeUnit.SECONDS)
                .getData().utf8String();
        assertTrue(body.contains("\"timeout\"") && body.contains("unknown"), body);

        GatedFsyncExecutor.open();
        assertEquals("v", seen("/v1/kv/%7Bslow%7Dkey").value(), "the timed-out write was applied after all");
    }
}
