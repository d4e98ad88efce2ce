package io.corecache.cluster;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Which node holds each partition's replica, as the coordinator decided it: {@code nodeOf.get(p)} is the node
 * id of partition p's replica. The table belongs to one cluster ({@code clusterId}, chosen when the cluster
 * was created) and grows in {@code version} when it changes, so a node keeps the newest table it was given.
 *
 * <p>With one replica per partition the table is fixed when the cluster is created: moving a partition
 * means moving its data, which comes with replication (a replica that moves is a new replica).
 */
public record PlacementTable(String clusterId, long version, List<String> nodeOf) implements CborSerializable {

    public PlacementTable {
        if (clusterId == null || clusterId.isBlank()) {
            throw new IllegalArgumentException("a placement table needs a cluster id");
        }
        if (version < 1) {
            throw new IllegalArgumentException("a placement table's version starts at 1, got " + version);
        }
        if (nodeOf == null || nodeOf.isEmpty()) {
            throw new IllegalArgumentException("a placement table places at least one partition");
        }
        nodeOf.forEach(NodeIdentity::checkNodeId);
        nodeOf = List.copyOf(nodeOf);
    }

    /**
     * A new cluster's table: partitions dealt round-robin over {@code nodes} in id order, so each node holds
     * P/N or P/N+1 of them, and the same nodes always get the same table shape.
     */
    static PlacementTable create(int partitions, List<String> nodes) {
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("a cluster is created with at least one node");
        }
        List<String> sorted = new ArrayList<>(nodes);
        Collections.sort(sorted);
        List<String> nodeOf = new ArrayList<>(partitions);
        for (int p = 0; p < partitions; p++) {
            nodeOf.add(sorted.get(p % sorted.size()));
        }
        return new PlacementTable("c" + UUID.randomUUID().toString().replace("-", "").substring(0, 16), 1, nodeOf);
    }

    public int partitions() {
        return nodeOf.size();
    }

    public String nodeOf(int partition) {
        return nodeOf.get(partition);
    }

    /** Partition count by node id, in node id order. */
    public Map<String, Integer> partitionsPerNode() {
        Map<String, Integer> counts = new TreeMap<>();
        nodeOf.forEach(node -> counts.merge(node, 1, Integer::sum));
        return counts;
    }

    /** The partitions {@code nodeId} holds, in order. */
    public List<Integer> partitionsOf(String nodeId) {
        List<Integer> held = new ArrayList<>();
        for (int p = 0; p < nodeOf.size(); p++) {
            if (nodeOf.get(p).equals(nodeId)) {
                held.add(p);
            }
        }
        return held;
    }
}
