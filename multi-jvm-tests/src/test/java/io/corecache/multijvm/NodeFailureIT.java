package io.corecache.multijvm;

import com.fasterxml.jackson.databind.JsonNode;
import io.corecache.cli.NodeProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A 3-node cluster losing nodes, as a user sees it over HTTP. A node killed with SIGKILL makes only its own
 * partitions answer 503 {@code partition_unavailable}, each within a second once the survivors see it
 * unreachable, while every other partition keeps serving; after it restarts every acknowledged write is there.
 * Killing the node that hosts the coordinator leaves every other partition serving, every request under a
 * second, and the coordinator comes back on another node with the same placement. A whole-cluster restart
 * keeps every acknowledged write and the placement.
 *
 * <p>The tests share one cluster; each starts by restarting whatever an earlier test left down and waiting
 * until the cluster is healthy. Logs and data: {@code target/multi-jvm/NodeFailureIT-ENGINE/} (one log per
 * incarnation, {@code nK-I.log}).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class NodeFailureIT {

    private static final int P = LocalCluster.PARTITIONS;
    /** 128 + SIGKILL. */
    private static final int EXIT_SIGKILL = 137;
    /** 128 + SIGTERM: the JVM ran its shutdown hooks (the node's graceful stop) and exited. */
    private static final int EXIT_SIGTERM = 143;
    /** "Quickly" and "without a pause": every request measured answers within this. */
    private static final Duration PROMPT = Duration.ofSeconds(1);
    /** Heartbeat 500 ms, acceptable pause 2 s: unreachable after ~2-4 s; generous for a loaded machine. */
    private static final Duration DETECTION_TIMEOUT = Duration.ofSeconds(30);
    /** Downing after 20 s of stable membership, removal, then the singleton's hand-over. */
    private static final Duration COORDINATOR_MOVE_TIMEOUT = Duration.ofSeconds(120);

    private static LocalCluster cluster;

    private ClusterView before;

    @BeforeAll
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    static void startCluster() {
        cluster = LocalCluster.create("NodeFailureIT", 3, P);
        cluster.start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void healthyCluster() {
        before = cluster.heal();
    }

    @Test
    void aKilledNodeMakesOnlyItsPartitionsUnavailableAndKeepsEveryAcknowledgedWriteAfterItRestarts()
            throws IOException {
        ClusterMember victim = cluster.members().stream().filter(m -> !m.id().equals(before.coordinator()))
                .reduce((first, second) -> second).orElseThrow(); // the coordinator's node has its own test
        List<ClusterMember> survivors = cluster.others(victim);
        Set<Integer> victimPartitions = partitionsOf(before, victim);
        assertEquals(P / 3, victimPartitions.size(), "the victim holds its share: " + before);
        String[] probes = writeProbes("kill");

        Writers writers = Writers.start("kill", cluster.apis(cluster.members()), 4, 100_000, Duration.ofSeconds(150))
                .awaitAcked(300, Duration.ofSeconds(60));
        long killed = System.nanoTime();
        assertEquals(EXIT_SIGKILL, victim.kill());
        awaitUnreachable(victim, survivors);
        long detectedMillis = (System.nanoTime() - killed) / 1_000_000;

        // The writers ran through the kill and the detection; the probes then measure the nodes, not the load.
        writers.stop();
        Map<String, String> acked = new HashMap<>(writers.acked());
        Duration slowest = probeRounds(3, probes, survivors, victim, victimPartitions);
        System.out.printf("NodeFailureIT: %s unreachable %d ms after SIGKILL; slowest probe %d ms; "
                        + "%d writes acknowledged, %d failed%n", victim, detectedMillis, slowest.toMillis(),
                acked.size(), writers.failed());

        // Once the split-brain resolver has downed it and it is removed, the same holds.
        awaitRemoved(victim, survivors);
        probeRounds(1, probes, survivors, victim, victimPartitions);

        victim.start();
        victim.awaitReady(LocalCluster.FORM_TIMEOUT);
        ClusterView after = cluster.awaitHealthy(LocalCluster.FORM_TIMEOUT);
        assertEquals(before.clusterId(), after.clusterId(), "the restarted node rejoins the same cluster: " + after);
        assertEquals(before.placement(), after.placement(), "with the same placement: " + after);
        ReadBack.assertEveryWriteReadable(acked, cluster.apis(cluster.members()),
                "after " + victim + " was killed under load and restarted");
        for (int p = 0; p < P; p++) {
            for (ClusterMember member : cluster.members()) {
                HttpApi.Answer answer = member.api().get(probes[p]);
                assertEquals(200, answer.status(), "GET " + probes[p] + " via " + member + ": " + answer);
                assertEquals("probe " + p, answer.body(), "a refused write changed nothing: " + answer);
            }
        }
    }

    @Test
    void aNodeRestartedRightAfterACrashServesAgain() throws IOException {
        ClusterMember victim = cluster.members().stream().filter(m -> !m.id().equals(before.coordinator()))
                .findFirst().orElseThrow();
        String[] probes = writeProbes("quick");
        assertEquals(EXIT_SIGKILL, victim.kill());
        awaitUnreachable(victim, cluster.others(victim));
        victim.start(); // at once, as a supervisor (systemd Restart=always) would
        victim.awaitReady(LocalCluster.FORM_TIMEOUT);
        cluster.awaitHealthy(LocalCluster.FORM_TIMEOUT);
        for (int p = 0; p < P; p++) {
            HttpApi.Answer answer = victim.api().get(probes[p]);
            assertEquals("probe " + p, answer.body(), "GET " + probes[p] + " via the restarted node: " + answer);
        }
    }

    @Test
    void killingTheCoordinatorsNodeLeavesEveryOtherPartitionServingAndTheCoordinatorMoves() throws IOException {
        ClusterMember victim = cluster.byId(before.coordinator());
        List<ClusterMember> survivors = cluster.others(victim);
        Set<Integer> victimPartitions = partitionsOf(before, victim);
        String[] probes = writeProbes("coordinator");

        assertEquals(EXIT_SIGKILL, victim.kill());
        long killed = System.nanoTime();
        long deadline = killed + COORDINATOR_MOVE_TIMEOUT.toNanos();
        Map<String, String> acked = new HashMap<>();
        List<String> failures = new ArrayList<>();
        Duration slowest = Duration.ZERO;
        int requests = 0;
        int write = 0;
        ClusterView moved = null;
        while (moved == null) {
            assertTrue(System.nanoTime() < deadline, "the coordinator did not move off " + victim + " within "
                    + COORDINATOR_MOVE_TIMEOUT.toSeconds() + " s:\n" + cluster.tails(30));
            for (int p = 0; p < P; p++) {
                if (victimPartitions.contains(p)) {
                    continue;
                }
                ClusterMember through = survivors.get(p % survivors.size());
                HttpApi.Answer read = through.api().get(probes[p]);
                String key;
                do {
                    key = "coordinator.w." + write++;
                } while (victimPartitions.contains(Keys.partitionOf(key, P)));
                HttpApi.Answer written = survivors.get(write % survivors.size()).api().put(key, "value of " + key);
                requests += 2;
                if (read.status() != 200 || !read.body().equals("probe " + p) || read.took().compareTo(PROMPT) >= 0) {
                    failures.add("GET " + probes[p] + " via " + through + ": " + read);
                }
                if (written.ok()) {
                    acked.put(key, "value of " + key);
                }
                if (!written.ok() || written.took().compareTo(PROMPT) >= 0) {
                    failures.add("PUT " + key + ": " + written);
                }
                slowest = max(slowest, max(read.took(), written.took()));
            }
            moved = coordinatorMovedOff(victim, survivors);
            LocalCluster.sleep(100);
        }
        long movedMillis = (System.nanoTime() - killed) / 1_000_000;
        System.out.printf("NodeFailureIT: the coordinator moved from %s to %s %d ms after SIGKILL; %d requests to "
                + "the other partitions meanwhile, slowest %d ms%n", victim, moved.coordinator(), movedMillis,
                requests, slowest.toMillis());
        assertTrue(failures.isEmpty(), "while the coordinator moved, every request to a partition on a live node "
                + "answers 2xx within " + PROMPT.toMillis() + " ms; " + failures.size() + " of " + requests
                + " did not: " + failures.stream().limit(10).toList());

        for (ClusterMember survivor : survivors) {
            ClusterView view = survivor.view();
            assertEquals(before.clusterId(), view.clusterId(), survivor + ": the same cluster: " + view);
            assertEquals(before.placement(), view.placement(), survivor + ": the same node per partition: " + view);
            assertEquals(moved.coordinator(), view.coordinator(), survivor + ": one coordinator: " + view);
            for (ClusterView.Partition partition : view.partitions()) {
                assertEquals(victimPartitions.contains(partition.partition()) ? "unavailable" : "serving",
                        partition.status(), survivor + " reports partition " + partition + " in " + view);
            }
        }
        for (int p : victimPartitions) {
            HttpApi.Answer answer = survivors.get(0).api().get(probes[p]);
            assertUnavailable(answer, p, victim, "GET " + probes[p] + " while its node is gone: " + answer);
        }

        victim.start();
        victim.awaitReady(LocalCluster.FORM_TIMEOUT);
        ClusterView after = cluster.awaitHealthy(LocalCluster.FORM_TIMEOUT);
        assertEquals(before.clusterId(), after.clusterId(), after.toString());
        assertEquals(before.placement(), after.placement(), "the returning node gets its partitions back: " + after);
        assertEquals(moved.coordinator(), after.coordinator(), "the coordinator stays where it moved: " + after);
        ReadBack.assertEveryWriteReadable(acked, cluster.apis(cluster.members()),
                "writes acknowledged while the coordinator moved");
        for (int p : victimPartitions) {
            HttpApi.Answer answer = survivors.get(1).api().get(probes[p]);
            assertEquals(200, answer.status(), "partition " + p + " serves again: " + answer);
        }
    }

    @Test
    void aWholeClusterRestartKeepsEveryAcknowledgedWriteAndThePlacement() throws IOException {
        Writers writers = Writers.start("restart", cluster.apis(cluster.members()), 4, 100_000,
                Duration.ofSeconds(150)).awaitAcked(500, Duration.ofSeconds(60));
        // Every node is stopped the way an operator stops it, all at once, while writes go on.
        cluster.members().forEach(ClusterMember::signalTerminate);
        Map<String, Integer> exits = new HashMap<>();
        for (ClusterMember member : cluster.members()) {
            exits.put(member.name(), member.awaitExit(NodeProcess.STOP_TIMEOUT));
        }
        writers.stop();
        Map<String, String> acked = new HashMap<>(writers.acked());
        for (Map.Entry<String, Integer> exit : exits.entrySet()) {
            assertEquals(EXIT_SIGTERM, exit.getValue(), exit.getKey() + " stops cleanly on SIGTERM: " + exits);
        }
        System.out.printf("NodeFailureIT: whole-cluster restart after %d acknowledged writes (%d failed)%n",
                acked.size(), writers.failed());

        cluster.start();
        ClusterView after = cluster.awaitHealthy(LocalCluster.FORM_TIMEOUT);
        assertEquals(before.clusterId(), after.clusterId(), "the same cluster comes back: " + after);
        assertEquals(before.placement(), after.placement(), "with the same placement: " + after);
        ReadBack.assertEveryWriteReadable(acked, cluster.apis(cluster.members()), "after a whole-cluster restart");
    }

    /** Writes {@code probe-PREFIX.p.i} = "probe p" for every partition p, through the nodes in turn, and reads each
     * back through every node, so every node has routed to every partition before a node is hurt. */
    private static String[] writeProbes(String prefix) throws IOException {
        String[] probes = Keys.onePerPartition("probe-" + prefix, P); // apart from the writers' keys
        for (int p = 0; p < P; p++) {
            ClusterMember writer = cluster.member(p % cluster.members().size());
            HttpApi.Answer answer = writer.api().put(probes[p], "probe " + p);
            assertTrue(answer.ok(), "PUT " + probes[p] + " via " + writer + ": " + answer);
            for (ClusterMember reader : cluster.members()) {
                assertEquals("probe " + p, reader.api().get(probes[p]).body(), "GET " + probes[p] + " via " + reader);
            }
        }
        return probes;
    }

    private static Set<Integer> partitionsOf(ClusterView view, ClusterMember member) {
        Set<Integer> partitions = new TreeSet<>();
        view.placement().forEach((partition, node) -> {
            if (node.equals(member.id())) {
                partitions.add(partition);
            }
        });
        return partitions;
    }

    /** 503 partition_unavailable with Retry-After, naming the partition and the node. */
    private static void assertUnavailable(HttpApi.Answer answer, int partition, ClusterMember node, String what) {
        assertEquals(503, answer.status(), what);
        JsonNode error = answer.json();
        assertEquals("partition_unavailable", error.path("error").asText(), what);
        String message = error.path("message").asText();
        assertTrue(message.contains("partition " + partition + " ") && message.contains(node.id()),
                "the message names the partition and the node: " + what);
        assertTrue(answer.headers().firstValue("Retry-After").isPresent(), "503 carries Retry-After: " + what);
    }

    /**
     * Rounds of GETs, through every survivor, of the probe key of every partition, and a PUT to one of the
     * victim's: its partitions answer 503 partition_unavailable, the others the probe's value, and every answer
     * comes within {@link #PROMPT}. The survivors' /v1/cluster report the victim's partitions unavailable and
     * keep the placement. Returns the slowest answer's time.
     */
    private Duration probeRounds(int rounds, String[] probes, List<ClusterMember> survivors, ClusterMember victim,
                                 Set<Integer> victimPartitions) throws IOException {
        List<String> slow = new ArrayList<>();
        Duration slowest = Duration.ZERO;
        for (int round = 0; round < rounds; round++) {
            for (ClusterMember survivor : survivors) {
                for (int p = 0; p < P; p++) {
                    HttpApi.Answer answer = survivor.api().get(probes[p]);
                    String what = "GET " + probes[p] + " (partition " + p + ") via " + survivor + " after "
                            + victim + " was killed: " + answer;
                    if (victimPartitions.contains(p)) {
                        assertUnavailable(answer, p, victim, what);
                    } else {
                        assertEquals(200, answer.status(), what);
                        assertEquals("probe " + p, answer.body(), what);
                    }
                    if (answer.took().compareTo(PROMPT) >= 0) {
                        slow.add(what);
                    }
                    slowest = max(slowest, answer.took());
                }
                int p = victimPartitions.iterator().next();
                HttpApi.Answer write = survivor.api().put(probes[p], "lost");
                String what = "PUT " + probes[p] + " via " + survivor + ": " + write;
                assertUnavailable(write, p, victim, what);
                if (write.took().compareTo(PROMPT) >= 0) {
                    slow.add(what);
                }
                slowest = max(slowest, write.took());
            }
        }
        assertTrue(slow.isEmpty(), "every request answers within " + PROMPT.toMillis() + " ms: " + slow);
        for (ClusterMember survivor : survivors) {
            ClusterView view = survivor.view();
            assertEquals(before.placement(), view.placement(), "the placement stays: " + view);
            for (ClusterView.Partition partition : view.partitions()) {
                assertEquals(victimPartitions.contains(partition.partition()) ? "unavailable" : "serving",
                        partition.status(), survivor + " reports partition " + partition + " in " + view);
            }
        }
        return slowest;
    }

    /**
     * Waits until every survivor's /v1/cluster shows the victim downed and removed: listed only because the
     * placement names it, with status "absent" (or not listed at all).
     */
    private static void awaitRemoved(ClusterMember victim, List<ClusterMember> survivors) throws IOException {
        long deadline = System.nanoTime() + COORDINATOR_MOVE_TIMEOUT.toNanos();
        for (ClusterMember survivor : survivors) {
            ClusterView view = survivor.view();
            while (view.nodes().containsKey(victim.id())
                    && !"absent".equals(view.nodes().get(victim.id()).status())) {
                assertTrue(System.nanoTime() < deadline, survivor + " still lists " + victim + " "
                        + COORDINATOR_MOVE_TIMEOUT.toSeconds() + " s after SIGKILL: " + view);
                LocalCluster.sleep(250);
                view = survivor.view();
            }
        }
    }

    /** Waits until every survivor's /v1/cluster shows the victim not up and reachable. */
    private static void awaitUnreachable(ClusterMember victim, List<ClusterMember> survivors) throws IOException {
        long deadline = System.nanoTime() + DETECTION_TIMEOUT.toNanos();
        for (ClusterMember survivor : survivors) {
            ClusterView view = survivor.view();
            while (view.seesUp(victim.id())) {
                assertTrue(System.nanoTime() < deadline, survivor + " still sees " + victim + " reachable "
                        + DETECTION_TIMEOUT.toSeconds() + " s after SIGKILL: " + view);
                LocalCluster.sleep(100);
                view = survivor.view();
            }
        }
    }

    /** The survivors' common view once both name a coordinator other than the victim, else null. */
    private static ClusterView coordinatorMovedOff(ClusterMember victim, List<ClusterMember> survivors)
            throws IOException {
        ClusterView first = null;
        for (ClusterMember survivor : survivors) {
            ClusterView view = survivor.view();
            if (view.coordinator() == null || view.coordinator().equals(victim.id())) {
                return null;
            }
            if (first != null && !first.coordinator().equals(view.coordinator())) {
                return null;
            }
            first = first == null ? view : first;
        }
        assertNotNull(first);
        assertNotEquals(victim.id(), first.coordinator());
        return first;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
