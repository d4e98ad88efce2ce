package io.corecache.cluster;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * This node's copy of the placement table: which node holds each partition's replica. A node alone holds
 * every partition; in a cluster the coordinator publishes the table.
 */
public final class Placement {

    // Replica ids are built once, not per request: routing reads this table on every request.
    private final AtomicReferenceArray<ReplicaId> replicaOf;

    Placement(int partitions, String initialNode) {
        replicaOf = new AtomicReferenceArray<>(partitions);
        for (int p = 0; p < partitions; p++) {
            replicaOf.set(p, new ReplicaId(p, initialNode));
        }
    }

    public int partitions() {
        return replicaOf.length();
    }

    /** The replica serving {@code partition}. */
    public ReplicaId replicaOf(int partition) {
        return replicaOf.get(partition);
    }
}
