package io.corecache.api.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.corecache.cluster.CoreCacheNode;
import io.corecache.cluster.NodeLiveness;
import io.corecache.cluster.PlacementTable;
import io.corecache.cluster.ReplicaFailedException;
import io.corecache.cluster.ReplicaId;
import io.corecache.cluster.ReplicaProtocol.Failed;
import io.corecache.cluster.ReplicaProtocol.GetStats;
import io.corecache.cluster.ReplicaProtocol.PartitionStats;
import io.corecache.cluster.ReplicaProtocol.Reply;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code GET /v1/cluster}: this node (identity, address, status), the cluster (its id, the coordinator's
 * node), every node (address, status, reachability, partitions held), and each partition's node, keys and
 * bytes. A partition that does not answer is listed with its error instead of failing the whole page,
 * since this page is what an operator opens when something is wrong.
 */
final class ClusterRoutes extends AllDirectives {

    private final ReplicaCalls calls;
    private final CoreCacheNode node;

    ClusterRoutes(ReplicaCalls calls, CoreCacheNode node) {
        this.calls = calls;
        this.node = node;
    }

    Route route() {
        return get(() -> completeWithFuture(describe()));
    }

    private CompletionStage<HttpResponse> describe() {
        int partitions = calls.router().partitions();
        List<CompletableFuture<ObjectNode>> rows = new ArrayList<>(partitions);
        for (int p = 0; p < partitions; p++) {
            rows.add(partitionRow(p).toCompletableFuture());
        }
        return CompletableFuture.allOf(rows.toArray(CompletableFuture[]::new)).thenApply(done -> {
            ObjectNode body = Json.MAPPER.createObjectNode();
            body.set("node", nodeInfo());
            body.set("cluster", clusterInfo());
            body.set("nodes", nodesInfo());
            ArrayNode array = body.putArray("partitions");
            long keys = 0;
            long bytes = 0;
            for (CompletableFuture<ObjectNode> row : rows) {
                ObjectNode r = row.join();
                array.add(r);
                keys += r.path("keys").asLong(0);
                bytes += r.path("disk_bytes").asLong(0);
            }
            body.put("keys", keys);
            body.put("disk_bytes", bytes);
            return Json.response(StatusCodes.OK, body);
        });
    }

    private ObjectNode nodeInfo() {
        Cluster cluster = Cluster.get(Adapter.toClassic(node.system()));
        Member self = cluster.selfMember();
        ObjectNode info = Json.MAPPER.createObjectNode();
        info.put("id", node.identity().nodeId());
        info.put("address", cluster.selfAddress().toString());
        info.put("status", self.status().toString().toLowerCase(java.util.Locale.ROOT));
        info.put("engine", node.identity().engine());
        info.put("durability", node.settings().durability().name().toLowerCase(java.util.Locale.ROOT));
        info.put("partitions", node.identity().partitions());
        info.put("created_at", node.identity().createdAt());
        PlacementTable table = node.placement().table();
        int held = table == null ? 0 : table.partitionsOf(node.identity().nodeId()).size();
        info.put("holds_partitions", held);
        if (table != null && held == 0) {
            info.put("note", "this node joined an existing cluster and holds no partitions yet; it serves every "
                    + "key by routing to the nodes that hold them (moving partitions comes with replication)");
        }
        return info;
    }

    /** The cluster's identity, the placement's version and where the coordinator runs. */
    private ObjectNode clusterInfo() {
        PlacementTable table = node.placement().table();
        ObjectNode info = Json.MAPPER.createObjectNode();
        info.put("id", table == null ? null : table.clusterId());
        info.put("placement_version", table == null ? 0 : table.version());
        info.put("coordinator", node.placement().coordinatorNode());
        return info;
    }

    /** Every node this one knows of: the members, and nodes the placement names that are not members now. */
    private ArrayNode nodesInfo() {
        PlacementTable table = node.placement().table();
        Map<String, Integer> held = table == null ? Map.of() : table.partitionsPerNode();
        Map<String, NodeLiveness.NodeState> members = node.liveness().nodes();
        Set<String> ids = new TreeSet<>(members.keySet());
        ids.addAll(held.keySet());
        ArrayNode nodes = Json.MAPPER.createArrayNode();
        for (String id : ids) {
            NodeLiveness.NodeState state = members.get(id);
            ObjectNode row = nodes.addObject();
            row.put("id", id);
            row.put("address", state == null ? null : state.address().toString());
            row.put("status", state == null ? "absent" : state.status().toLowerCase(java.util.Locale.ROOT));
            row.put("reachable", state != null && state.reachable());
            row.put("partitions", held.getOrDefault(id, 0));
            row.put("self", id.equals(node.identity().nodeId()));
        }
        return nodes;
    }

    private CompletionStage<ObjectNode> partitionRow(int partition) {
        ReplicaId replica = calls.router().replicaOf(partition);
        ObjectNode row = Json.MAPPER.createObjectNode();
        row.put("partition", partition);
        row.put("replica", replica == null ? null : replica.toString());
        row.put("node", replica == null ? null : replica.nodeId());
        // Asked of the router, not through the calls that answer requests: a partition that cannot tell its
        // statistics is shown here, not counted as a refused request.
        return calls.router().ask(partition, GetStats::new).handle((Reply reply, Throwable failure) -> {
            if (failure == null && reply instanceof PartitionStats stats) {
                row.put("status", "serving");
                row.put("keys", stats.keys());
                row.put("disk_bytes", stats.diskBytes());
                row.put("dead_bytes", stats.deadBytes());
                row.put("files", stats.files());
                row.put("revision", stats.revision());
            } else {
                ApiError error = calls.describe(failure != null ? failure : reply instanceof Failed failed
                        ? new ReplicaFailedException(partition, failed) : new IllegalStateException("no stats"));
                row.put("status", "unavailable");
                row.put("error", error.code());
                row.put("message", error.getMessage());
            }
            return row;
        });
    }
}
