package io.corecache.cluster;

import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether this node's partitions have started: the part of readiness that Pekko Management's cluster
 * membership check does not know. An actor-system extension, so the health check (which Pekko Management
 * creates by reflection from the actor system) can find it.
 */
public final class NodeStatus implements Extension {

    public static final Id ID = new Id();

    private final AtomicBoolean partitionsStarted = new AtomicBoolean();
    private final AtomicBoolean shuttingDown = new AtomicBoolean();

    public static NodeStatus get(org.apache.pekko.actor.ActorSystem system) {
        return ID.get(system);
    }

    public boolean partitionsStarted() {
        return partitionsStarted.get();
    }

    void markPartitionsStarted() {
        partitionsStarted.set(true);
    }

    public boolean shuttingDown() {
        return shuttingDown.get();
    }

    void markShuttingDown() {
        shuttingDown.set(true);
    }

    public static final class Id extends AbstractExtensionId<NodeStatus> {
        @Override
        public NodeStatus createExtension(ExtendedActorSystem system) {
            return new NodeStatus();
        }
    }
}
