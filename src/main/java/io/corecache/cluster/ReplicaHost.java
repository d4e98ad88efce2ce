package io.corecache.cluster;

import io.corecache.engine.StorageEngine;
import org.apache.pekko.actor.typed.ActorRef;

import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the node gives the replicas it hosts: its identity and settings, the executor their fsyncs run on,
 * the clock, and a registry of the engines open here (read by metrics and {@code /v1/cluster}).
 */
public final class ReplicaHost {

    private final NodeIdentity identity;
    private final NodeSettings settings;
    private final Executor fsyncExecutor;
    private final InstantSource clock;
    /** A replica running here, with its open engine and the direct reads it allows. */
    private record Local(StorageEngine engine, ActorRef<ReplicaProtocol.Command> replica, DirectReads reads) {
    }

    private final ConcurrentMap<Integer, Local> running = new ConcurrentHashMap<>();
    private final AtomicInteger failedCloses = new AtomicInteger();

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
        running.put(partition, new Local(engine, replica, reads));
    }

    /** The partition's engine closed; {@code cleanly} false when its final sync failed. */
    void closed(int partition, boolean cleanly) {
        running.remove(partition);
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
        Local local = running.get(partition);
        return local == null ? null : local.reads();
    }

    /** The replica of {@code partition} running on this node, or null: lets the router skip sharding's hops. */
    ActorRef<ReplicaProtocol.Command> runningReplica(int partition) {
        Local local = running.get(partition);
        return local == null ? null : local.replica();
    }

    /** The engines open on this node by partition; a snapshot of the moment. */
    public Map<Integer, StorageEngine> openEngines() {
        Map<Integer, StorageEngine> engines = new HashMap<>();
        running.forEach((partition, local) -> engines.put(partition, local.engine()));
        return Map.copyOf(engines);
    }
}
