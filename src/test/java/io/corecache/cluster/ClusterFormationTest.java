package io.corecache.cluster;

import io.corecache.cluster.ReplicaProtocol.Found;
import io.corecache.cluster.ReplicaProtocol.Precondition;
import io.corecache.cluster.ReplicaProtocol.Put;
import io.corecache.cluster.ReplicaProtocol.Reply;
import io.corecache.cluster.ReplicaProtocol.Written;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three nodes in one JVM form a cluster through static seeds: the coordinator places the partitions evenly
 * once all three have joined, every node gets the same table, and any node serves any key.
 */
class ClusterFormationTest {

    private static final int PARTITIONS = 8;

    @TempDir
    Path dir;

    private final List<CoreCacheNode> nodes = new ArrayList<>();

    @AfterEach
    void stopAll() {
        nodes.forEach(TestNodes::stop);
    }

    @Test
    void threeNodesFormOneClusterAndAnyNodeServesAnyKey() throws Exception {
        startCluster(3);

        PlacementTable table = nodes.get(0).placement().table();
        assertNotNull(table);
        for (CoreCacheNode node : nodes) {
            assertEquals(table, node.placement().table(), "every node has the coordinator's table");
        }
        Map<String, Integer> perNode = table.partitionsPerNode();
        assertEquals(3, perNode.size(), "partitions spread over all three nodes: " + perNode);
        perNode.values().forEach(count -> assertTrue(count == 2 || count == 3, "evenly: " + perNode));
        for (CoreCacheNode node : nodes) {
            assertTrue(perNode.containsKey(node.identity().nodeId()));
        }

        // Written through each node in turn, read through every node.
        for (int i = 0; i < 60; i++) {
            byte[] key = ("key-" + i).getBytes(StandardCharsets.UTF_8);
            byte[] value = ("value-" + i).getBytes(StandardCharsets.UTF_8);
            Reply written = ask(nodes.get(i % 3), key, replyTo -> new Put(key, value, 0, Precondition.NONE, replyTo));
            assertInstanceOf(Written.class, written);
        }
        for (CoreCacheNode node : nodes) {
            for (int i = 0; i < 60; i++) {
                byte[] key = ("key-" + i).getBytes(StandardCharsets.UTF_8);
                Reply read = node.router().get(key).toCompletableFuture().get(10, TimeUnit.SECONDS);
                assertEquals("value-" + i, new String(assertInstanceOf(Found.class, read).value().value(),
                        StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void partitionsOfANodeThatLeftAnswerUnavailableAtOnceWhileTheOthersServe() throws Exception {
        startCluster(3);
        CoreCacheNode leaving = nodes.get(2);
        String leftId = leaving.identity().nodeId();
        PlacementTable table = nodes.get(0).placement().table();
        TestNodes.stop(leaving);
        nodes.remove(leaving);

        CoreCacheNode survivor = nodes.get(0);
        waitUntil(() -> survivor.liveness().node(leftId) == null, Duration.ofSeconds(30));
        for (int p = 0; p < PARTITIONS; p++) {
            int partition = p;
            CompletableFuture<Reply> reply = survivor.router()
                    .ask(partition, replyTo -> new ReplicaProtocol.GetStats(replyTo)).toCompletableFuture();
            if (table.nodeOf(p).equals(leftId)) {
                long started = System.nanoTime();
                java.util.concurrent.ExecutionException failed =
                        assertThrows(java.util.concurrent.ExecutionException.class, () -> reply.get(5, TimeUnit.SECONDS));
                PartitionUnavailableException unavailable =
                        assertInstanceOf(PartitionUnavailableException.class, failed.getCause());
                assertTrue(unavailable.getMessage().contains("partition " + partition)
                        && unavailable.getMessage().contains(leftId), unavailable.getMessage());
                assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(Duration.ofSeconds(1)) < 0,
                        "answered at once");
            } else {
                assertInstanceOf(ReplicaProtocol.PartitionStats.class, reply.get(10, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void aNodeWithAnotherPartitionCountIsRefusedAndLeavesNothingBehind() throws Exception {
        startCluster(1);
        int seedPort = nodes.get(0).system().address().getPort().get();
        int port = freePort();
        Path data = dir.resolve("other-p");
        Map<String, Object> settings = new HashMap<>();
        settings.put("corecache.partitions", PARTITIONS * 2);
        settings.put("pekko.remote.artery.canonical.port", port);
        settings.put("corecache.cluster.seeds", List.of("127.0.0.1:" + seedPort, "127.0.0.1:" + port));
        settings.put("corecache.startup-timeout", "60s");

        NodeStartException refused = assertThrows(NodeStartException.class, () -> TestNodes.start(data, settings));

        assertTrue(refused.getMessage().contains("partition count (" + PARTITIONS * 2 + ")"), refused.getMessage());
        assertTrue(!java.nio.file.Files.exists(data), "the refused node's new data directory is gone");
        assertEquals(1, nodes.get(0).liveness().nodes().size(), "the cluster still has only its own node");
    }

    private void startCluster(int size) throws Exception {
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            ports.add(freePort());
        }
        List<String> seeds = ports.stream().map(port -> "127.0.0.1:" + port).toList();
        List<CompletableFuture<CoreCacheNode>> starting = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            Map<String, Object> settings = new HashMap<>();
            settings.put("corecache.partitions", PARTITIONS);
            settings.put("pekko.remote.artery.canonical.port", ports.get(i));
            settings.put("corecache.cluster.seeds", seeds);
            settings.put("corecache.cluster.initial-nodes", size);
            Path data = dir.resolve("node-" + i);
            starting.add(CompletableFuture.supplyAsync(() -> TestNodes.start(data, settings)));
        }
        for (CompletableFuture<CoreCacheNode> node : starting) {
            try {
                nodes.add(node.get(90, TimeUnit.SECONDS));
            } catch (java.util.concurrent.ExecutionException e) {
                throw new AssertionError("a node did not start", e.getCause());
            }
        }
    }

    private static Reply ask(CoreCacheNode node, byte[] key,
                             org.apache.pekko.japi.function.Function<org.apache.pekko.actor.typed.ActorRef<Reply>,
                                     ReplicaProtocol.Command> command) throws Exception {
        return node.router().ask(key, command).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + limit);
            }
            Thread.sleep(50);
        }
    }
}
