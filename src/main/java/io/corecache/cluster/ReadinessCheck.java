package io.corecache.cluster;

import org.apache.pekko.actor.ActorSystem;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Pekko Management readiness check ({@code /ready}): ready once every partition this node hosts has
 * started, and no longer once shutdown began. Cluster membership (Up) is checked by Pekko Management's own
 * {@code cluster-membership} check beside this one.
 */
public final class ReadinessCheck implements Supplier<CompletionStage<Boolean>> {

    private final NodeStatus status;

    public ReadinessCheck(ActorSystem system) {
        this.status = NodeStatus.get(system);
    }

    @Override
    public CompletionStage<Boolean> get() {
        return CompletableFuture.completedFuture(status.partitionsStarted() && !status.shuttingDown());
    }
}
