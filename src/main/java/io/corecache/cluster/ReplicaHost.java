package io.corecache.cluster;

import io.corecache.engine.StorageEngine;
import org.apache.pekko.actor.typed.ActorRef;

import java.time.InstantSource;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;

/**
 * What the node gives the replicas it hosts: its identity and settings, the executor their fsyncs run on,
 * the clock, and a registry of the engines open here (read by metrics and {@code /v1/cluster}).
 */
public final class ReplicaHost {

    private final NodeIdentity identity;
    private final NodeSettings settings;
    private final Executor fsyncExecutor;
    private final InstantSource clock;
    private final ConcurrentMap<Integer, StorageEngine> openEngines = new ConcurrentHashMap<>();
    private final ConcurrentMap<Integer, ActorRef<ReplicaProtocol.Command>> running = new ConcurrentHashMap<>();
    private final ConcurrentMap<Integer, DirectReads> directReads = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger failedCloses = new java.util.concurrent.atomic.AtomicInteger();

    ReplicaHost(NodeIdentity identity, NodeSettings settings, Executor fsyncExecutor, InstantSource clock) {
        this.identity = identity;
        this.settings = settings;
        this.fsyncExecutor = fsyncExecutor;
        this.clock = clock;
    }

    public NodeIdentity identity() {
        return identity;
    }

    public NodeSettings settings() {
        return settings;
    }

    Executor fsyncExecutor() {
        return fsyncExecutor;
    }

    InstantSource clock() {
        return clock;
    }

    void opened(int partition, StorageEngine engine, ActorRef<ReplicaProtocol.Command> replica, DirectReads reads) {
        openEngines.put(partition, engine);
        running.put(partition, replica);
        directReads.put(partition, reads);
    }

    /** The partition's engine closed; {@code cleanly} false when its final sync failed. */
    void closed(int partition, boolean cleanly) {
        directReads.remove(partition);
        running.remove(partition);
        openEngines.remove(partition);
        if (!cleanly) {
            failedCloses.incrementAndGet();
        }
    }

    /** How many engines failed to sync when they closed: if any did, the shutdown was not clean. */
    int failedCloses() {
        return failedCloses.get();
    }

    /** Reads of {@code partition} straight from its engine when it runs here, else null. */
    DirectReads directReads(int partition) {
        return directReads.get(partition);
    }

    /** The replica of {@code partition} running on this node, or null: lets the router skip sharding's hops. */
    ActorRef<ReplicaProtocol.Command> runningReplica(int partition) {
        return running.get(partition);
    }

    /** The engines open on this node by partition; a snapshot of the moment. */
    public java.util.Map<Integer, StorageEngine> openEngines() {
        return java.util.Map.copyOf(openEngines);
    }
}
