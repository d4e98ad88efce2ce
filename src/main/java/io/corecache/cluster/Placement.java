package io.corecache.cluster;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * This node's copy of the placement table: which node holds each partition's replica. A node alone holds
 * every partition; in a cluster the coordinator publishes the table.
 */
public final class Placement {

    private final AtomicReferenceArray<String> nodeOf;

    Placement(int partitions, String initialNode) {
        nodeOf = new AtomicReferenceArray<>(partitions);
        for (int p = 0; p < partitions; p++) {
            nodeOf.set(p, initialNode);
        }
    }

    public int partitions() {
        return nodeOf.length();
    }

    /** The replica serving {@code partition}. */
    public ReplicaId replicaOf(int partition) {
        return new ReplicaId(partition, nodeOf.get(partition));
    }
}
