package io.corecache.cluster;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * What the placement coordinator (a cluster singleton) and each node's placement keeper say to each other.
 * Each node reports what its data directory holds; the coordinator answers with the cluster's table.
 */
public final class PlacementProtocol {

    private PlacementProtocol() {
    }

    /** Every node's keeper registers under this key, so the coordinator finds the nodes wherever it runs. */
    static final ServiceKey<KeeperCommand> KEEPERS = ServiceKey.create(KeeperCommand.class, "corecache-placement-keeper");

    /** What a node's keeper understands. */
    public interface KeeperCommand extends CborSerializable {
    }

    /** The coordinator asks a node what it holds. */
    public record ReportPlease(ActorRef<CoordinatorCommand> replyTo) implements KeeperCommand {
    }

    /** The cluster's table, from the coordinator running on {@code coordinatorNode}. */
    public record Publish(PlacementTable table, String coordinatorNode) implements KeeperCommand {
    }

    /** The coordinator refuses this node (it belongs to another cluster); the node shuts down. */
    public record Refuse(String reason) implements KeeperCommand {
    }

    /** What the coordinator understands. */
    public interface CoordinatorCommand extends CborSerializable {
    }

    /**
     * A node's report: its id, partition count and the table its data directory keeps (null for a new node).
     * A node that holds a table holds exactly the replicas the table names for it.
     */
    public record NodeReport(String nodeId, int partitions, PlacementTable table, ActorRef<KeeperCommand> keeper)
            implements CoordinatorCommand {
    }
}
