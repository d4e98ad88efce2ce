package io.corecache.multijvm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.corecache.cli.NodeProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A healthy 3-node cluster, as a user sees it over HTTP: it forms from three processes started with the same
 * seeds and spreads the partitions evenly; any node serves any key; a scan over 10,000 keys written through
 * different nodes returns every one in key order, paged and streamed; a node with another partition count is
 * refused. The tests share one cluster and only add keys under their own prefix, so their order does not
 * matter. Logs and data: {@code target/multi-jvm/ClusterFormationIT-ENGINE/}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterFormationIT {

    private static final int NODES = 3;
    private static final int P = LocalCluster.PARTITIONS;
    /** Main.EXIT_ERROR: the node could not do its job (here: the cluster refused it). */
    private static final int EXIT_REFUSED = 2;

    private static final ObjectMapper JSON = new ObjectMapper();

    private static LocalCluster cluster;

    @BeforeAll
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    static void startCluster() {
        cluster = LocalCluster.create("ClusterFormationIT", NODES, P);
        cluster.start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void threeNodesFormOneClusterAndSpreadThePartitionsEvenly() throws IOException {
        Set<String> ids = new HashSet<>();
        List<ClusterView> views = new ArrayList<>();
        for (ClusterMember member : cluster.members()) {
            ClusterView view = member.view();
            views.add(view);
            ids.add(view.self());
        }
        assertEquals(NODES, ids.size(), "every node has its own id: " + ids);

        ClusterView first = views.get(0);
        assertNotNull(first.clusterId(), "the cluster has an id: " + first);
        assertTrue(ids.contains(first.coordinator()), "the coordinator is one of the nodes: " + first);
        Map<String, Integer> perNode = first.partitionsPerNode();
        assertEquals(ids, perNode.keySet(), "every node holds partitions: " + perNode);
        for (int count : perNode.values()) {
            assertEquals(P / NODES, count, "each node holds P/N of the " + P + " partitions: " + perNode);
        }

        for (int i = 0; i < NODES; i++) {
            ClusterMember member = cluster.member(i);
            ClusterView view = views.get(i);
            String seen = member + " sees " + view;
            assertEquals(first.clusterId(), view.clusterId(), seen);
            assertEquals(first.placementVersion(), view.placementVersion(), seen);
            assertEquals(first.coordinator(), view.coordinator(), seen);
            assertEquals(first.placement(), view.placement(), seen);
            assertEquals(ids, view.nodes().keySet(), seen);
            for (ClusterView.Member node : view.nodes().values()) {
                assertTrue(view.seesUp(node.id()), seen);
                assertEquals(perNode.get(node.id()), node.partitions(), seen);
                assertEquals(node.id().equals(view.self()), node.self(), seen);
            }
            assertTrue(view.nodes().get(view.self()).address().endsWith(":" + member.remotePort()),
                    "a node's address is its remoting address: " + seen);
            assertEquals(perNode.get(view.self()), view.holdsPartitions(), seen);
            assertEquals(P, view.partitions().size(), seen);
            for (int p = 0; p < P; p++) {
                ClusterView.Partition partition = view.partitions().get(p);
                assertEquals(p, partition.partition(), seen);
                assertEquals("serving", partition.status(), seen);
            }
        }
    }

    @Test
    void anyNodeServesAnyKey() throws IOException {
        String[] keys = Keys.onePerPartition("any", P);
        for (int p = 0; p < P; p++) {
            String key = keys[p];
            ClusterMember writer = cluster.member(p % NODES);
            HttpApi.Answer created = writer.api().put(key, "first " + p);
            assertEquals(201, created.status(), "PUT " + key + " (partition " + p + ") via " + writer + ": " + created);
            for (ClusterMember reader : cluster.members()) {
                HttpApi.Answer read = reader.api().get(key);
                assertEquals(200, read.status(), "GET " + key + " via " + reader + ": " + read);
                assertEquals("first " + p, read.body(), "GET " + key + " via " + reader);
            }

            ClusterMember overwriter = cluster.member((p + 1) % NODES);
            HttpApi.Answer replaced = overwriter.api().put(key, "second " + p);
            assertEquals(200, replaced.status(), "PUT " + key + " again via " + overwriter + ": " + replaced);
            ClusterMember third = cluster.member((p + 2) % NODES);
            HttpApi.Answer read = third.api().get(key);
            assertEquals(200, read.status(), "GET " + key + " via " + third + ": " + read);
            assertEquals("second " + p, read.body(), "GET " + key + " via " + third + " after the overwrite");

            HttpApi.Answer deleted = third.api().delete(key);
            assertTrue(deleted.ok(), "DELETE " + key + " via " + third + ": " + deleted);
            for (ClusterMember reader : cluster.members()) {
                HttpApi.Answer gone = reader.api().get(key);
                assertEquals(404, gone.status(), "GET " + key + " via " + reader + " after DELETE: " + gone);
            }
        }
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void aScanOverTenThousandKeysWrittenThroughDifferentNodesReturnsThemAllInOrder() throws Exception {
        int count = 10_000;
        // Unpadded numbers: "scan.10" sorts before "scan.9", so the order is the store's, not the writing order.
        // Written in batches of 250 that each span every partition, sent through the nodes in turn.
        Map<String, String> written = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        int batchSize = 250;
        for (int from = 0; from < count; from += batchSize) {
            ObjectNode body = JSON.createObjectNode();
            ArrayNode ops = body.putArray("ops");
            Map<String, String> batch = new TreeMap<>();
            for (int i = from; i < Math.min(count, from + batchSize); i++) {
                batch.put("scan." + i, "v" + i);
                ops.addObject().put("op", "put").put("key", "scan." + i).put("value", "v" + i);
            }
            ClusterMember through = cluster.member((from / batchSize) % NODES);
            HttpApi.Answer answer = through.api().batch(body.toString());
            if (answer.status() != 200) {
                failures.add("batch from scan." + from + " via " + through + ": " + answer);
                continue;
            }
            assertEquals(P, answer.json().path("partitions").asInt(), "a batch spans every partition: " + answer);
            for (JsonNode result : answer.json().path("results")) {
                assertEquals("created", result.path("status").asText(), "batch via " + through + ": " + answer);
            }
            written.putAll(batch);
        }
        assertTrue(failures.isEmpty(), "every write is acknowledged: " + failures);
        List<String> expected = new ArrayList<>(new TreeMap<>(written).keySet());
        assertEquals(count, expected.size());

        int[] limits = {1000, 997, 10_000};
        for (int i = 0; i < NODES; i++) {
            ClusterMember member = cluster.member(i);
            int limit = limits[i];
            List<String> keys = new ArrayList<>();
            String cursor = null;
            int pages = 0;
            do {
                HttpApi.Answer page = member.api().scanPage("scan.", limit, cursor);
                assertEquals(200, page.status(), "scan page " + pages + " via " + member + ": " + page);
                JsonNode json = page.json();
                JsonNode items = json.path("items");
                assertTrue(items.size() <= limit, "a page holds at most limit=" + limit + " items: " + items.size());
                for (JsonNode item : items) {
                    String key = item.path("key").asText();
                    assertEquals(written.get(key), item.path("value").asText(), "value of " + key + " via " + member);
                    keys.add(key);
                }
                cursor = json.path("next").isNull() ? null : json.path("next").asText();
                pages++;
                assertTrue(pages <= count / limit + 2, "the scan via " + member + " ends: " + pages + " pages");
            } while (cursor != null);
            assertOrderedAndComplete(expected, keys, "paged JSON scan (limit " + limit + ") via " + member);
        }

        ClusterMember streamer = cluster.member(1);
        HttpApi.Answer stream = streamer.api().scanNdjson("scan.", count);
        assertEquals(200, stream.status(), "NDJSON scan via " + streamer + ": " + stream);
        List<String> streamed = new ArrayList<>();
        for (String line : stream.body().split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode item = HttpApi.parse(line);
            assertFalse(item.has("error"), "the stream via " + streamer + " ended with an error: " + line);
            String key = item.path("key").asText();
            assertEquals(written.get(key), item.path("value").asText(), "value of " + key + " in the stream");
            streamed.add(key);
        }
        assertOrderedAndComplete(expected, streamed, "NDJSON scan via " + streamer);
    }

    private static void assertOrderedAndComplete(List<String> expected, List<String> actual, String what) {
        if (expected.equals(actual)) {
            return;
        }
        int at = 0;
        while (at < Math.min(expected.size(), actual.size()) && expected.get(at).equals(actual.get(at))) {
            at++;
        }
        throw new AssertionError(what + " returned " + actual.size() + " keys for " + expected.size()
                + " written; first difference at index " + at + ": expected "
                + (at < expected.size() ? expected.get(at) : "the end") + ", got "
                + (at < actual.size() ? actual.get(at) : "the end"));
    }

    @Test
    void aNodeWithAnotherPartitionCountIsRefusedAndChangesNothing() throws IOException {
        int otherP = P + 4;
        Refused refused = startWithPartitions(otherP, "other-p");
        assertEquals(EXIT_REFUSED, refused.exit(), "a node with " + otherP + " partitions exits with 2:\n" + refused.log());
        assertFalse(Files.exists(refused.data()), "its new data directory is removed: " + refused.data());
        String said = "corecache.partitions = " + otherP + " asked to join this cluster of " + P + " partitions";
        assertTrue(cluster.members().stream().anyMatch(member -> member.log().contains(said)),
                "the node that answered the join logs why it refused (\"" + said + "\")");

        for (ClusterMember member : cluster.members()) {
            ClusterView view = member.view();
            assertEquals(NODES, view.nodes().size(), member + " still sees only the cluster's nodes: " + view);
            for (ClusterView.Member node : view.nodes().values()) {
                assertFalse(node.address().endsWith(":" + refused.remotePort()), member + " lists the refused node: "
                        + view);
                assertTrue(view.seesUp(node.id()), member + ": " + view);
            }
            for (ClusterView.Partition partition : view.partitions()) {
                assertEquals("serving", partition.status(), member + ": " + view);
            }
        }
        String key = Keys.onePerPartition("after-refusal", P)[0];
        assertEquals(201, cluster.member(0).api().put(key, "still serving").status());
        assertEquals("still serving", cluster.member(2).api().get(key).body());
    }

    @Test
    void aRefusedNodeSaysThatItsPartitionCountDiffers() {
        Refused refused = startWithPartitions(P * 2, "double-p");
        assertEquals(EXIT_REFUSED, refused.exit(), refused.log());
        assertTrue(refused.log().contains("partition count"), "the refused node says why:\n" + refused.log());
    }

    private record Refused(int exit, String log, Path data, int remotePort) {
    }

    /** Starts a fifth node on a new directory with another partition count and the cluster's seeds; waits for it to end. */
    private static Refused startWithPartitions(int partitions, String name) {
        int[] ports = NodeProcess.freePorts(3);
        Path data = cluster.dir().resolve(name);
        List<String> args = List.of("--data", data.toString(),
                "--http", "127.0.0.1:" + ports[0],
                "--remote", "127.0.0.1:" + ports[1],
                "--management", "127.0.0.1:" + ports[2],
                "--resp", "127.0.0.1:0",
                "--seeds", cluster.seeds(), "--initial-nodes", String.valueOf(NODES));
        Path log = cluster.dir().resolve(name + ".log");
        try (NodeProcess node = NodeProcess.start(cluster.dir(), args, log, LocalCluster.environment(partitions),
                ports[0], ports[2])) {
            int exit = node.awaitExit(Duration.ofSeconds(90));
            return new Refused(exit, node.log(), data, ports[1]);
        }
    }
}
