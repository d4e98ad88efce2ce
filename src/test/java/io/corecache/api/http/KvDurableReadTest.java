package io.corecache.api.http;

import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.japi.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * In {@code sync} durability no read returns a write before that write is fsynced, even though reads of a
 * local partition normally skip the replica and go straight to the engine. The node's fsyncs run on
 * {@link GatedFsyncExecutor}: with the gate closed a PUT is applied but not yet durable, and a GET of the
 * same key must wait for the fsync (it is answered by the replica, after it) instead of answering at once.
 */
class KvDurableReadTest extends KvRouteTest {

    private Function<HttpRequest, CompletionStage<HttpResponse>> async;

    @Override
    protected Map<String, Object> settings() {
        return Map.of("corecache.durability", "sync",
                "corecache.fsync-dispatcher.executor", GatedFsyncExecutor.class.getName());
    }

    @BeforeAll
    void asyncHandler() {
        async = new HttpApi(node).route().handler(node.system());
    }

    @AfterEach
    void openTheGate() {
        GatedFsyncExecutor.open();
    }

    @Test
    void aReadWaitsForTheFsyncOfAWriteItWouldSee() throws Exception {
        api.run(put("/v1/kv/durable-read", "old")).assertStatusCode(201);
        assertEquals("old", api.run(get("/v1/kv/durable-read")).entityString(), "no write pending: served directly");

        GatedFsyncExecutor.close();
        CompletableFuture<HttpResponse> write = async.apply(put("/v1/kv/durable-read", "new")).toCompletableFuture();
        GatedFsyncExecutor.awaitWaiting(1);
        CompletableFuture<HttpResponse> read = async.apply(get("/v1/kv/durable-read")).toCompletableFuture();
        assertFalse(read.isDone(), "a read that would see the unsynced write is not answered before its fsync");
        assertFalse(write.isDone());

        GatedFsyncExecutor.open();
        assertEquals(200, write.get(10, TimeUnit.SECONDS).status().intValue());
        HttpResponse answer = read.get(10, TimeUnit.SECONDS);
        assertEquals(200, answer.status().intValue());
        assertEquals("new", answer.entity().toStrict(5000, materializer()).toCompletableFuture()
                .get(10, TimeUnit.SECONDS).getData().decodeString(StandardCharsets.UTF_8));
    }
}
