package io.corecache.cluster;

import io.corecache.cluster.ReplicaProtocol.Failed;
import io.corecache.cluster.ReplicaProtocol.GetStats;
import io.corecache.cluster.ReplicaProtocol.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A partition that cannot serve (its data would not open) does not hold up the node's shutdown: its replica
 * stops when sharding asks it to, like every other, instead of being stopped by force when sharding's
 * shutdown phase gives up on it. The node then stops and can start again on the same directory.
 *
 * <p>How, with a generous bound rather than a measurement: the test node gives sharding's shutdown phase
 * 60 s, so a replica that ignores the stop keeps the node stopping for close to a minute (the region gives
 * up just before the phase, and entities are stopped by force 55 s after the hand-off began), while one
 * that stops when asked lets it finish in about a second. Half a minute tells the two apart on any machine.
 */
class ShutdownWithUnavailablePartitionTest {

    private static final int BROKEN = 3;

    @Test
    void aNodeWithAnUnavailablePartitionStopsWithoutWaitingForShardingToGiveUp(@TempDir Path dir) throws Exception {
        // A file where the partition's directory should be: its engine cannot open.
        Files.createDirectories(dir.resolve("partitions"));
        Files.writeString(dir.resolve("partitions").resolve(Integer.toString(BROKEN)), "not a directory");
        CoreCacheNode node = TestNodes.start(dir, Map.of(
                "pekko.coordinated-shutdown.phases.cluster-sharding-shutdown-region.timeout", "60s"));
        try {
            Reply reply = node.router().ask(BROKEN, GetStats::new).toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertEquals("partition_unavailable", assertInstanceOf(Failed.class, reply).code());

            node.stop().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            fail("the node did not stop within 30 s: the unavailable partition's replica ignored sharding's stop");
        } finally {
            node.system().terminate();
            node.system().getWhenTerminated().toCompletableFuture().get(90, TimeUnit.SECONDS);
        }

        // The directory was let go: a node starts on it again.
        Files.delete(dir.resolve("partitions").resolve(Integer.toString(BROKEN)));
        TestNodes.stop(TestNodes.start(dir));
    }
}
