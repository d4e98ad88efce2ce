package io.corecache.multijvm;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One node's {@code GET /v1/cluster}, as the tests read it: who the node is, the cluster's id and coordinator,
 * the members it sees and, for every partition, the node that holds it and whether it serves.
 */
record ClusterView(String self, int holdsPartitions, String clusterId, long placementVersion, String coordinator,
                   Map<String, Member> nodes, List<Partition> partitions, String json) {

    record Member(String id, String address, String status, boolean reachable, int partitions, boolean self) {
    }

    record Partition(int partition, String node, String status, String error, String message) {
    }

    static ClusterView parse(JsonNode root) {
        JsonNode node = root.path("node");
        JsonNode cluster = root.path("cluster");
        Map<String, Member> nodes = new LinkedHashMap<>();
        for (JsonNode member : root.path("nodes")) {
            nodes.put(member.path("id").asText(), new Member(member.path("id").asText(),
                    member.path("address").asText(), member.path("status").asText(),
                    member.path("reachable").asBoolean(), member.path("partitions").asInt(),
                    member.path("self").asBoolean()));
        }
        List<Partition> partitions = new ArrayList<>();
        for (JsonNode partition : root.path("partitions")) {
            partitions.add(new Partition(partition.path("partition").asInt(), text(partition.path("node")),
                    text(partition.path("status")), text(partition.path("error")), text(partition.path("message"))));
        }
        return new ClusterView(node.path("id").asText(), node.path("holds_partitions").asInt(-1),
                text(cluster.path("id")), cluster.path("placement_version").asLong(-1), text(cluster.path("coordinator")),
                nodes, partitions, root.toString());
    }

    /** Partition to node id, as this node's copy of the placement table says. */
    Map<Integer, String> placement() {
        Map<Integer, String> placement = new TreeMap<>();
        partitions.forEach(p -> placement.put(p.partition(), p.node()));
        return placement;
    }

    /** How many partitions the placement gives each node. */
    Map<String, Integer> partitionsPerNode() {
        Map<String, Integer> counts = new TreeMap<>();
        partitions.forEach(p -> counts.merge(p.node(), 1, Integer::sum));
        return counts;
    }

    /** True if this node sees {@code nodeId} as a member that is up and reachable. */
    boolean seesUp(String nodeId) {
        Member member = nodes.get(nodeId);
        return member != null && member.reachable() && member.status().equalsIgnoreCase("up");
    }

    private static String text(JsonNode value) {
        return value.isMissingNode() || value.isNull() ? null : value.asText();
    }

    @Override
    public String toString() {
        return json;
    }
}
