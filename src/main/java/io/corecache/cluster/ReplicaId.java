package io.corecache.cluster;

/**
 * The name of one partition replica, {@code <partition>@<node-id>}: the sharded entity's id and its shard's
 * id. The node in the name is where the replica's data lives, so the allocation strategy can place it
 * nowhere else.
 */
public record ReplicaId(int partition, String nodeId) {

    public ReplicaId {
        if (partition < 0) {
            throw new IllegalArgumentException("partition must not be negative: " + partition);
        }
        NodeIdentity.checkNodeId(nodeId);
    }

    /** Parses {@code 17@n-1a2b3c4d}; throws IllegalArgumentException naming the text otherwise. */
    public static ReplicaId parse(String text) {
        int at = text.indexOf('@');
        if (at <= 0 || at == text.length() - 1) {
            throw new IllegalArgumentException("not a replica id (<partition>@<node-id>): '" + text + "'");
        }
        try {
            return new ReplicaId(Integer.parseInt(text.substring(0, at)), text.substring(at + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a replica id (<partition>@<node-id>): '" + text + "'");
        }
    }

    @Override
    public String toString() {
        return partition + "@" + nodeId;
    }
}
