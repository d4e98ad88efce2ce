package io.corecache.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pekko Management on a real node, through a real HTTP client at {@link CoreCacheNode#managementUri()}:
 * liveness, readiness (and readiness withdrawn once shutdown begins), cluster membership, and the shards of
 * the {@code replica} entity type.
 */
class ManagementTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private CoreCacheNode node;

    @AfterEach
    void stop() {
        TestNodes.stop(node);
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(node.managementUri().resolve(path))
                .timeout(Duration.ofSeconds(10)).build(), BodyHandlers.ofString());
    }

    @Test
    void aStartedNodeIsAliveAndReady(@TempDir Path dataDir) throws Exception {
        node = TestNodes.start(dataDir);
        assertEquals(200, get("/alive").statusCode());
        assertEquals(200, get("/ready").statusCode());
    }

    @Test
    void membersListTheNodeUpWithItsRoles(@TempDir Path dataDir) throws Exception {
        node = TestNodes.start(dataDir);
        HttpResponse<String> response = get("/cluster/members");

        assertEquals(200, response.statusCode());
        JsonNode body = JSON.readTree(response.body());
        String self = body.get("selfNode").asText();
        assertEquals(1, body.get("members").size(), response.body());
        JsonNode member = body.get("members").get(0);
        assertEquals(self, member.get("node").asText());
        assertEquals("Up", member.get("status").asText());
        Set<String> roles = new TreeSet<>();
        member.get("roles").forEach(role -> roles.add(role.asText()));
        assertTrue(roles.contains("corecache"), roles.toString());
        assertTrue(roles.contains(ReplicaAllocation.roleOf(node.identity().nodeId())), roles.toString());
        assertEquals(0, body.get("unreachable").size());
        assertEquals(self, body.get("leader").asText());
    }

    @Test
    void shardsOfTheReplicaTypeAreOnePerPartitionEachWithItsReplica(@TempDir Path dataDir) throws Exception {
        node = TestNodes.start(dataDir);
        HttpResponse<String> response = get("/cluster/shards/" + PartitionReplica.TYPE_KEY.name());

        assertEquals(200, response.statusCode());
        // Pekko names the list "regions", but each element is a shard of this node's region.
        List<String> shards = new ArrayList<>();
        for (JsonNode shard : JSON.readTree(response.body()).get("regions")) {
            shards.add(shard.get("shardId").asText());
            assertEquals(1, shard.get("numEntities").asInt(), response.body());
        }
        List<String> expected = new ArrayList<>();
        for (int p = 0; p < node.settings().partitions(); p++) {
            expected.add(p + "@" + node.identity().nodeId());
        }
        assertEquals(new TreeSet<>(expected), new TreeSet<>(shards));
        assertEquals(expected.size(), shards.size());
    }

    @Test
    void anUnknownEntityTypeIsNotFound(@TempDir Path dataDir) throws Exception {
        node = TestNodes.start(dataDir);
        assertEquals(404, get("/cluster/shards/no-such-type").statusCode());
    }

    @Test
    void membershipCannotBeChangedThroughManagement(@TempDir Path dataDir) throws Exception {
        node = TestNodes.start(dataDir);
        String self = JSON.readTree(get("/cluster/members").body()).get("selfNode").asText();
        HttpRequest leave = HttpRequest.newBuilder(node.managementUri().resolve("/cluster/members/"
                        + java.net.URLEncoder.encode(self, java.nio.charset.StandardCharsets.UTF_8)))
                .DELETE().timeout(Duration.ofSeconds(10)).build();

        HttpResponse<String> response = client.send(leave, BodyHandlers.ofString());

        assertEquals(405, response.statusCode(), response.body());
        JsonNode member = JSON.readTree(get("/cluster/members").body()).get("members").get(0);
        assertEquals("Up", member.get("status").asText());
        assertEquals(200, get("/ready").statusCode());
    }

    /**
     * Shutdown is held in the phase after the one that withdraws readiness (service-unbind), so the check
     * happens at a known point: shutdown has begun, and Management still answers.
     */
    @Test
    void readinessIsWithdrawnOnceShutdownBeginsWhileLivenessStays(@TempDir Path dataDir) throws Exception {
        node = TestNodes.start(dataDir);
        CompletableFuture<Void> reached = new CompletableFuture<>();
        CompletableFuture<Done> release = new CompletableFuture<>();
        CoordinatedShutdown.get(Adapter.toClassic(node.system()))
                .addTask(CoordinatedShutdown.PhaseServiceUnbind(), "test-hold-shutdown", () -> {
                    reached.complete(null);
                    return release;
                });
        assertEquals(200, get("/ready").statusCode());

        CompletionStage<Done> stopped = node.stop();
        try {
            reached.get(10, TimeUnit.SECONDS);
            HttpResponse<String> ready = get("/ready");
            // Pekko Management answers every failed check with 500 (not 503); any non-2xx is "not ready".
            assertEquals(500, ready.statusCode(), ready.body());
            assertEquals(200, get("/alive").statusCode());
            // Still Up in the cluster: what withdrew readiness is CoreCache's own check, not membership.
            JsonNode members = JSON.readTree(get("/cluster/members").body()).get("members");
            assertEquals("Up", members.get(0).get("status").asText());
        } finally {
            release.complete(Done.getInstance());
        }
        stopped.toCompletableFuture().get(30, TimeUnit.SECONDS);
        node = null;
    }
}
