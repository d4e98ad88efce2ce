package io.corecache.cluster;

import io.corecache.cluster.ReplicaProtocol.Batch;
import io.corecache.cluster.ReplicaProtocol.Command;
import io.corecache.cluster.ReplicaProtocol.Delete;
import io.corecache.cluster.ReplicaProtocol.Failed;
import io.corecache.cluster.ReplicaProtocol.Get;
import io.corecache.cluster.ReplicaProtocol.GetStats;
import io.corecache.cluster.ReplicaProtocol.Put;
import io.corecache.cluster.ReplicaProtocol.Scan;
import io.corecache.cluster.ReplicaProtocol.Wake;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * A replica that cannot serve: its engine would not open (corrupt files, a full disk) or an fsync failed.
 * It stays up and answers every command with {@code partition_unavailable} and the reason, so one bad
 * partition neither takes the node down nor restarts in a loop, and the operator sees why in the reply and
 * the log. It stops at once when sharding stops it.
 */
final class Unavailable {

    private Unavailable() {
    }

    static Behavior<Command> create(ReplicaId id, String reason) {
        Failed failed = new Failed("partition_unavailable",
                "partition " + id.partition() + " (" + id + ") " + reason);
        return Behaviors.receive(Command.class)
                .onMessage(Get.class, c -> reply(c.replyTo(), failed))
                .onMessage(Put.class, c -> reply(c.replyTo(), failed))
                .onMessage(Delete.class, c -> reply(c.replyTo(), failed))
                .onMessage(Batch.class, c -> reply(c.replyTo(), failed))
                .onMessage(Scan.class, c -> reply(c.replyTo(), failed))
                .onMessage(GetStats.class, c -> reply(c.replyTo(), failed))
                .onMessage(Wake.class, c -> reply(c.replyTo(), failed))
                .onMessage(ReplicaProtocol.Stop.class, c -> Behaviors.stopped())
                .build();
    }

    private static Behavior<Command> reply(org.apache.pekko.actor.typed.ActorRef<ReplicaProtocol.Reply> to,
                                           Failed failed) {
        to.tell(failed);
        return Behaviors.same();
    }
}
