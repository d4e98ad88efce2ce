package io.corecache.api.http;

import io.corecache.cluster.ReplicaProtocol.GetStats;
import io.corecache.cluster.ReplicaProtocol.PartitionStats;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A stalled disk cannot make a partition hold more writes than it admits: once
 * {@code max-in-flight-per-partition} writes wait for their fsync, further writes are refused at once with
 * 503 {@code overloaded} and are not applied, even after the writes waiting have timed out for their
 * clients (a timeout frees the client's slot, not the replica's memory). When the disk recovers, only the
 * write that was admitted is there.
 *
 * <p>How: with {@code max-in-flight-per-partition = 1} and the fsyncs held at {@link GatedFsyncExecutor}'s
 * closed gate, the first PUT is applied and times out ({@code request-timeout}); the next writes to the
 * partition find one write already waiting for the disk. Keys share a partition through a hash tag.
 */
class WriteBacklogTest extends KvRouteTest {

    @Override
    protected Map<String, Object> settings() {
        return Map.of("corecache.durability", "sync",
                "corecache.max-in-flight-per-partition", 1,
                "corecache.request-timeout", "1s",
                "corecache.fsync-dispatcher.executor", GatedFsyncExecutor.class.getName());
    }

    @AfterEach
    void openTheGate() {
        GatedFsyncExecutor.open();
    }

    @Test
    void writesBeyondTheBoundAreRefusedWhileEarlierOnesWaitForTheDiskAfterTimingOut() {
        int partition = node.router().partitionOf("{q}0".getBytes(StandardCharsets.UTF_8));
        long revisionBefore = revision(partition);

        GatedFsyncExecutor.close();
        // Applied, then waits for the disk past the client's deadline: its outcome is unknown to the client.
        assertError(api.run(put("/v1/kv/%7Bq%7D0", "v0")), 503, "timeout");
        for (HttpRequest refused : List.of(put("/v1/kv/%7Bq%7D1", "v1"), put("/v1/kv/%7Bq%7D2", "v2"),
                put("/v1/kv/%7Bq%7D0", "replaced", header("If-Match", "*")), delete("/v1/kv/%7Bq%7D0"),
                put("/v1/kv/%7Bq%7D3", "v3"))) {
            TestRouteResult result = api.run(refused);
            assertError(result, 503, "overloaded");
            result.assertHeaderExists("Retry-After", "1");
        }
        GatedFsyncExecutor.open();

        assertEquals("v0", seen("/v1/kv/%7Bq%7D0").value(), "the admitted write, and no later one");
        for (int i = 1; i <= 3; i++) {
            assertEquals(404, seen("/v1/kv/%7Bq%7D" + i).status(), "refused write " + i + " was not applied");
        }
        assertEquals(revisionBefore + 1, revision(partition), "exactly one write reached the partition");
    }

    private long revision(int partition) {
        return ((PartitionStats) node.router().ask(partition, GetStats::new).toCompletableFuture().join()).revision();
    }
}
