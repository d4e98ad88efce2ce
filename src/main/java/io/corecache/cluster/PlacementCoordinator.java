package io.corecache.cluster;

import io.corecache.cluster.PlacementProtocol.CoordinatorCommand;
import io.corecache.cluster.PlacementProtocol.KeeperCommand;
import io.corecache.cluster.PlacementProtocol.NodeReport;
import io.corecache.cluster.PlacementProtocol.Publish;
import io.corecache.cluster.PlacementProtocol.Refuse;
import io.corecache.cluster.PlacementProtocol.ReportPlease;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The cluster's leader for placement, run as a cluster singleton: it decides which node holds each
 * partition's replica and publishes that table to every node.
 *
 * <p>It keeps no state of its own. Wherever it starts, it asks every node's keeper for a report and
 * rebuilds the table from them: a node that was ever part of the cluster keeps the table in its data
 * directory. If no node has a table, the cluster is new, and the coordinator creates one once
 * {@code initial-nodes} nodes have reported and every member that is up has (so a coordinator that moved
 * never mistakes an old cluster whose reports are late for a new one). Partitions are never reassigned:
 * with one replica per partition, the data lives only on its node, so while that node is gone its
 * partitions are unavailable, not moved to an empty node.
 */
final class PlacementCoordinator extends AbstractBehavior<CoordinatorCommand> {

    /** The keepers registered in the cluster changed; never leaves this node. */
    private record KeepersChanged(Set<ActorRef<KeeperCommand>> keepers)
            implements CoordinatorCommand, NoSerializationVerificationNeeded {
    }

    /** Time to ask the nodes whose reports are missing or behind the table. */
    private record Tick() implements CoordinatorCommand, NoSerializationVerificationNeeded {
    }

    private static final Duration TICK = Duration.ofSeconds(1);

    private final int partitions;
    private final int initialNodes;
    private final String selfNodeId;
    private final Map<ActorRef<KeeperCommand>, NodeReport> reports = new HashMap<>();
    private Set<ActorRef<KeeperCommand>> keepers = Set.of();
    private PlacementTable table;

    static Behavior<CoordinatorCommand> create(int partitions, int initialNodes, String selfNodeId) {
        return Behaviors.setup(context -> Behaviors.withTimers(timers ->
                new PlacementCoordinator(context, timers, partitions, initialNodes, selfNodeId)));
    }

    private PlacementCoordinator(ActorContext<CoordinatorCommand> context, TimerScheduler<CoordinatorCommand> timers,
                                 int partitions, int initialNodes, String selfNodeId) {
        super(context);
        this.partitions = partitions;
        this.initialNodes = initialNodes;
        this.selfNodeId = selfNodeId;
        ActorRef<Receptionist.Listing> listings = context.messageAdapter(Receptionist.Listing.class,
                listing -> new KeepersChanged(listing.getServiceInstances(PlacementProtocol.KEEPERS)));
        context.getSystem().receptionist().tell(Receptionist.subscribe(PlacementProtocol.KEEPERS, listings));
        timers.startTimerWithFixedDelay(new Tick(), TICK);
        context.getLog().info("placement coordinator started on node {}", selfNodeId);
    }

    @Override
    public Receive<CoordinatorCommand> createReceive() {
        return newReceiveBuilder()
                .onMessage(KeepersChanged.class, this::onKeepersChanged)
                .onMessage(NodeReport.class, this::onReport)
                .onMessage(Tick.class, tick -> onTick())
                .build();
    }

    private Behavior<CoordinatorCommand> onKeepersChanged(KeepersChanged changed) {
        Set<ActorRef<KeeperCommand>> added = new HashSet<>(changed.keepers());
        added.removeAll(keepers);
        keepers = Set.copyOf(changed.keepers());
        reports.keySet().retainAll(keepers);
        added.forEach(keeper -> keeper.tell(new ReportPlease(getContext().getSelf())));
        return this;
    }

    private Behavior<CoordinatorCommand> onReport(NodeReport report) {
        if (!keepers.contains(report.keeper())) {
            return this; // a node that left since it was asked
        }
        if (report.partitions() != partitions) {
            // Joining is refused before this (PartitionCountCheck); a report is the second line of defence.
            report.keeper().tell(new Refuse("node " + report.nodeId() + " has " + report.partitions()
                    + " partitions; this cluster has " + partitions));
            return this;
        }
        reports.put(report.keeper(), report);
        if (table == null) {
            decide();
        } else {
            inform(report);
        }
        return this;
    }

    private Behavior<CoordinatorCommand> onTick() {
        if (table == null) {
            decide(); // a member that was waited for may have left
        }
        for (ActorRef<KeeperCommand> keeper : keepers) {
            NodeReport report = reports.get(keeper);
            if (report == null || (table != null && behind(report))) {
                keeper.tell(new ReportPlease(getContext().getSelf()));
            }
        }
        return this;
    }

    /** Adopts the newest table any node keeps, or creates the table of a new cluster when it may. */
    private void decide() {
        NodeReport newest = reports.values().stream()
                .filter(report -> report.table() != null)
                .max(Comparator.comparingLong(report -> report.table().version()))
                .orElse(null);
        if (newest != null) {
            table = newest.table();
            getContext().getLog().info("placement of cluster {} (version {}) rebuilt from the nodes' reports: {}",
                    table.clusterId(), table.version(), table.partitionsPerNode());
        } else if (mayCreate()) {
            List<String> nodes = new ArrayList<>();
            reports.values().forEach(report -> nodes.add(report.nodeId()));
            table = PlacementTable.create(partitions, nodes);
            getContext().getLog().info("created cluster {}: {} partitions over {} nodes {}", table.clusterId(),
                    partitions, nodes.size(), table.partitionsPerNode());
        } else {
            return;
        }
        reports.values().forEach(this::inform);
    }

    /**
     * A new cluster's table is made only when enough nodes reported, and every member that is up did: a
     * node that was part of the cluster before would otherwise be placed out of a table it already has.
     */
    private boolean mayCreate() {
        if (reports.size() < initialNodes) {
            return false;
        }
        Set<String> reported = new HashSet<>();
        reports.values().forEach(report -> reported.add(report.nodeId()));
        for (Member member : Cluster.get(getContext().getSystem()).state().getMembers()) {
            if (member.status() == MemberStatus.up() && member.hasRole(ReplicaAllocation.CORECACHE_ROLE)) {
                String nodeId = ReplicaAllocation.nodeIdOf(member);
                if (nodeId != null && !reported.contains(nodeId)) {
                    return false;
                }
            }
        }
        return true;
    }

    private void inform(NodeReport report) {
        if (report.table() != null && !report.table().clusterId().equals(table.clusterId())) {
            getContext().getLog().error("node {} belongs to cluster {}, not to this cluster {}; refusing it",
                    report.nodeId(), report.table().clusterId(), table.clusterId());
            report.keeper().tell(new Refuse("node " + report.nodeId() + " belongs to cluster "
                    + report.table().clusterId() + ", but it joined cluster " + table.clusterId()
                    + "; give it a new data directory to join this cluster"));
            return;
        }
        report.keeper().tell(new Publish(table, selfNodeId));
    }

    private boolean behind(NodeReport report) {
        return report.table() == null || report.table().version() < table.version();
    }
}
