package io.corecache.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.corecache.cluster.TestNodes;
import io.corecache.engine.StorageEngine;
import io.corecache.engine.bitcask.FsyncFailure;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.apache.pekko.japi.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * After an fsync fails, no write it was meant to cover is ever served: the writers were told 503, and what
 * the disk kept is unknown. The partition answers 503 {@code partition_unavailable} to reads, writes and
 * scans until the node restarts, while the other partitions keep serving. Its shutdown is not clean (no
 * {@code clean-shutdown} marker), and after a restart it serves again.
 *
 * <p>How: fsyncs run on {@link GatedFsyncExecutor}. With the gate closed, a PUT is applied and waits for its
 * fsync at the gate; the test then makes that fsync fail ({@link FsyncFailure}) and opens the gate. Keys
 * share a partition through a hash tag ({@code {f}...}).
 */
class FailedFsyncTest extends KvRouteTest {

    private static final String KEY = "/v1/kv/%7Bf%7Dk";

    @Override
    protected Map<String, Object> settings() {
        return Map.of("corecache.durability", "sync",
                "corecache.fsync-dispatcher.executor", GatedFsyncExecutor.class.getName());
    }

    @AfterEach
    void openTheGate() {
        GatedFsyncExecutor.open();
    }

    @Test
    void aWriteWhoseFsyncFailedIsNeverServedAndThePartitionIsUnavailableUntilRestart() throws Exception {
        Function<HttpRequest, CompletionStage<HttpResponse>> async = new HttpApi(node).route().handler(node.system());
        write(KEY, "v1", true);
        int partition = node.router().partitionOf(bytes("{f}k"));
        StorageEngine engine = node.host().openEngines().get(partition);

        GatedFsyncExecutor.close();
        CompletionStage<HttpResponse> failedPut = async.apply(put(KEY, "v2"));
        GatedFsyncExecutor.awaitWaiting(1); // v2 is applied; its fsync waits at the gate
        FsyncFailure.inject(engine);
        GatedFsyncExecutor.open();

        Answer put = Answer.of(failedPut, node.system());
        assertEquals(503, put.status(), put.body());
        assertEquals("storage_unavailable", put.error(), put.body());
        assertEquals("1", put.retryAfter());

        // v2 was applied to the engine before its fsync failed: it must not be read back, by a GET or a scan.
        JsonNode unavailable = assertError(api.run(get(KEY)), 503, "partition_unavailable");
        assertTrue(unavailable.path("message").asText().contains("restart the node"), unavailable.toString());
        assertError(api.run(request(HttpMethods.HEAD, KEY)), 503, "partition_unavailable");
        TestRouteResult scan = api.run(HttpRequest.GET("/v1/kv?prefix=%7Bf%7D"));
        assertError(scan, 503, "partition_unavailable");
        // Nor may anything more be written there.
        for (HttpRequest write : List.of(put(KEY, "v3"), put("/v1/kv/%7Bf%7Dother", "x"), delete(KEY))) {
            assertError(api.run(write), 503, "partition_unavailable");
        }
        assertFalse(node.host().openEngines().containsKey(partition), "the partition closed its engine");

        // The other partitions serve meanwhile.
        String elsewhere = keyOutside(partition);
        write("/v1/kv/" + elsewhere, "fine", true);
        assertEquals("fine", seen("/v1/kv/" + elsewhere).value());

        // A restart recovers the partition: it serves again, whatever the disk kept of v2, and takes writes.
        Path dataDir = node.settings().dataDir();
        TestNodes.stop(node);
        assertFalse(Files.exists(dataDir.resolve("clean-shutdown")),
                "a partition whose fsync failed did not shut down cleanly: the next start recovers");
        node = TestNodes.start(dataDir, settings());
        api = testRoute(new HttpApi(node).route());
        Seen after = seen(KEY);
        assertEquals(200, after.status());
        assertTrue(Set.of("v1", "v2").contains(after.value()), after.toString());
        write(KEY, "v4", false);
        assertEquals("v4", seen(KEY).value());
        assertEquals("fine", seen("/v1/kv/" + elsewhere).value());
    }

    private String keyOutside(int partition) {
        for (int i = 0; i < 10_000; i++) {
            if (node.router().partitionOf(bytes("elsewhere-" + i)) != partition) {
                return "elsewhere-" + i;
            }
        }
        throw new AssertionError("every key in partition " + partition + "?");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
