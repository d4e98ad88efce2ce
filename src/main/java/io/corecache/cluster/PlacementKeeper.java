package io.corecache.cluster;

import io.corecache.cluster.PlacementProtocol.KeeperCommand;
import io.corecache.cluster.PlacementProtocol.NodeReport;
import io.corecache.cluster.PlacementProtocol.Publish;
import io.corecache.cluster.PlacementProtocol.Refuse;
import io.corecache.cluster.PlacementProtocol.ReportPlease;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * One per node: keeps the node's copy of the placement table, on disk ({@link PlacementFile}) and in memory
 * ({@link Placement}), answers the coordinator's requests for a report, and takes the tables it publishes.
 *
 * <p>A table is written to disk before the node uses it, so a node that restarts knows its cluster and its
 * replicas without waiting for anyone. A table of another cluster is never taken: the coordinator refuses
 * such a node, and the node shuts down ({@code onRefused}).
 */
final class PlacementKeeper {

    private PlacementKeeper() {
    }

    static Behavior<KeeperCommand> create(NodeIdentity identity, Path dataDir, Placement placement,
                                          Consumer<String> onRefused) {
        return Behaviors.setup(context -> {
            context.getSystem().receptionist().tell(Receptionist.register(PlacementProtocol.KEEPERS, context.getSelf()));
            return Behaviors.receive(KeeperCommand.class)
                    .onMessage(ReportPlease.class, please -> {
                        please.replyTo().tell(new NodeReport(identity.nodeId(), identity.partitions(), placement.table(),
                                context.getSelf()));
                        return Behaviors.same();
                    })
                    .onMessage(Publish.class, publish -> {
                        PlacementTable mine = placement.table();
                        PlacementTable theirs = publish.table();
                        if (mine != null && !mine.clusterId().equals(theirs.clusterId())) {
                            context.getLog().error("the coordinator on node {} publishes the table of cluster {}, but "
                                    + "this node belongs to cluster {}; ignoring it", publish.coordinatorNode(),
                                    theirs.clusterId(), mine.clusterId());
                            return Behaviors.same();
                        }
                        if (mine == null || theirs.version() > mine.version()) {
                            try {
                                PlacementFile.write(dataDir, theirs);
                            } catch (IOException e) {
                                // Not taken, so never used without being on disk; the coordinator publishes again.
                                context.getLog().error("cannot keep the placement table in {}: {}", dataDir, e.toString());
                                return Behaviors.same();
                            }
                            context.getLog().info("placement of cluster {} (version {}): this node holds {} of {} "
                                    + "partitions", theirs.clusterId(), theirs.version(),
                                    theirs.partitionsOf(identity.nodeId()).size(), theirs.partitions());
                        }
                        placement.update(mine == null || theirs.version() > mine.version() ? theirs : mine,
                                publish.coordinatorNode());
                        return Behaviors.same();
                    })
                    .onMessage(Refuse.class, refuse -> {
                        context.getLog().error("the cluster refused this node: {}", refuse.reason());
                        onRefused.accept(refuse.reason());
                        return Behaviors.same();
                    })
                    .build();
        });
    }
}
