package io.corecache.cluster;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * This node's copy of the placement table, read on every request to find a partition's replica. The
 * coordinator publishes the table to every node ({@link PlacementKeeper}); until the first table arrives,
 * no partition is placed and every request for one answers 503.
 */
public final class Placement {

    /** A table with its replica ids built once, not per request, and the node whose coordinator sent it. */
    private record View(PlacementTable table, ReplicaId[] replicas, String coordinatorNode) {
    }

    private final int partitions;
    private final CompletableFuture<PlacementTable> known = new CompletableFuture<>();
    private volatile View view;

    Placement(int partitions) {
        this.partitions = partitions;
    }

    public int partitions() {
        return partitions;
    }

    /** The replica serving {@code partition}, or null while the cluster has not placed the partitions. */
    public ReplicaId replicaOf(int partition) {
        View current = view;
        return current == null ? null : current.replicas[partition];
    }

    /** The table this node has, or null. */
    public PlacementTable table() {
        View current = view;
        return current == null ? null : current.table;
    }

    /** The node whose coordinator last published the table, or null. */
    public String coordinatorNode() {
        View current = view;
        return current == null ? null : current.coordinatorNode;
    }

    /** Completes with the first table this node gets. */
    CompletionStage<PlacementTable> known() {
        return known;
    }

    /**
     * Takes {@code table} if it is this node's first or newer than the one it has; records the coordinator's
     * node (null: not known yet) either way. Only the node's start and its keeper call this, one at a time.
     */
    void update(PlacementTable table, String coordinatorNode) {
        if (table.partitions() != partitions) {
            throw new IllegalArgumentException("a table of " + table.partitions() + " partitions for a node with "
                    + partitions);
        }
        View current = view;
        if (current != null && current.table.version() >= table.version()) {
            if (coordinatorNode != null && !coordinatorNode.equals(current.coordinatorNode)) {
                view = new View(current.table, current.replicas, coordinatorNode);
            }
            return;
        }
        ReplicaId[] replicas = new ReplicaId[partitions];
        for (int p = 0; p < partitions; p++) {
            replicas[p] = new ReplicaId(p, table.nodeOf(p));
        }
        view = new View(table, replicas, coordinatorNode);
        known.complete(table);
    }
}
