package io.corecache.api.http;

import io.corecache.cluster.CoreCacheNode;
import io.corecache.cluster.TestNodes;
import io.corecache.engine.bitcask.FsyncFailure;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.japi.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A stop never vouches for a write whose fsync failed: such a write is answered 503 even when the node
 * stops before the replica has heard of the failure (the failed fsync's result is still on its way when
 * sharding stops the replica), and that shutdown is not clean (no {@code clean-shutdown} marker).
 *
 * <p>How: as in {@link FailedFsyncTest}, a PUT's fsync waits at {@link GatedFsyncExecutor}'s gate and the
 * test makes it fail ({@link FsyncFailure}). Keys share a partition through a hash tag ({@code {x}...}).
 */
class FailedFsyncAtShutdownTest {

    private static final Map<String, Object> SETTINGS = Map.of(
            "corecache.durability", "sync",
            "corecache.request-timeout", "60s",
            "corecache.fsync-dispatcher.executor", GatedFsyncExecutor.class.getName(),
            // The gate stays closed through the stop, so sharding stops the replica by force; soon, please.
            "pekko.coordinated-shutdown.phases.cluster-sharding-shutdown-region.timeout", "2s");

    @AfterEach
    void openTheGate() {
        GatedFsyncExecutor.open();
    }

    /** The fsync failed, the replica is stopped before it hears so: the close's own sync must not vouch. */
    @Test
    void aWriteWhoseFsyncFailedIsNotAcknowledgedWhenTheNodeStopsFirst(@TempDir Path dir) throws Exception {
        CoreCacheNode node = TestNodes.start(dir, SETTINGS);
        Function<HttpRequest, CompletionStage<HttpResponse>> async = new HttpApi(node).route().handler(node.system());
        CompletableFuture<?> stopped = null;
        Answer held;
        try {
            GatedFsyncExecutor.close();
            CompletionStage<HttpResponse> heldPut = async.apply(KvRouteTest.put("/v1/kv/%7Bx%7Dheld", "lost"));
            GatedFsyncExecutor.awaitWaiting(1);
            FsyncFailure.inject(node.host().openEngines().get(partitionOf(node, "{x}held")));
            stopped = node.stop().toCompletableFuture();
            held = Answer.of(heldPut, node.system());
        } catch (Throwable t) {
            if (stopped == null) {
                GatedFsyncExecutor.open();
                TestNodes.stop(node);
            }
            throw t;
        } finally {
            GatedFsyncExecutor.open();
        }
        stopped.get(60, TimeUnit.SECONDS);
        assertEquals(503, held.status(), "a write whose fsync failed was acknowledged: " + held.body());
        assertEquals("storage_unavailable", held.error(), held.body());
        assertFalse(Files.exists(dir.resolve("clean-shutdown")), "the shutdown was not clean");
    }

    private static int partitionOf(CoreCacheNode node, String key) {
        return node.router().partitionOf(key.getBytes(StandardCharsets.UTF_8));
    }
}
