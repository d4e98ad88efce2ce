package io.corecache.cluster;

import io.corecache.cluster.ReplicaProtocol.Command;
import io.corecache.cluster.ReplicaProtocol.Reply;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.japi.function.Function;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Sends a command to the replica of a partition and returns its reply: what every front (HTTP, RESP) uses.
 *
 * <p>Overload is refused, not queued: at most {@code max-in-flight-per-partition} requests per partition
 * are outstanding; beyond that the request fails at once with {@code overloaded}. Every request has a
 * deadline ({@code request-timeout}), so a caller never waits forever.
 */
public final class Router {

    private final ClusterSharding sharding;
    private final Scheduler scheduler;
    private final ReplicaHost host;
    private final Partitioner partitioner;
    private final Placement placement;
    private final NodeLiveness liveness;
    private final Duration timeout;
    private final int maxInFlight;
    private final AtomicIntegerArray inFlight;
    /** Requests sent (or read directly) by the node that holds their partition, for metrics. */
    private final ConcurrentMap<String, LongAdder> routedTo = new ConcurrentHashMap<>();

    Router(ClusterSharding sharding, Scheduler scheduler, ReplicaHost host, Partitioner partitioner,
           Placement placement, NodeLiveness liveness, NodeSettings settings) {
        this.sharding = sharding;
        this.scheduler = scheduler;
        this.host = host;
        this.partitioner = partitioner;
        this.placement = placement;
        this.liveness = liveness;
        this.timeout = settings.requestTimeout();
        this.maxInFlight = settings.maxInFlightPerPartition();
        this.inFlight = new AtomicIntegerArray(partitioner.partitions());
    }

    public int partitions() {
        return partitioner.partitions();
    }

    public int partitionOf(byte[] key) {
        return partitioner.partitionOf(key);
    }

    /** The replica serving {@code partition}, or null while the cluster has not placed it. */
    public ReplicaId replicaOf(int partition) {
        return placement.replicaOf(partition);
    }

    /**
     * The key's current version: read straight from the engine when its partition runs here and has no
     * write waiting for an fsync ({@link DirectReads}), else asked of its replica.
     */
    public CompletionStage<Reply> get(byte[] key) {
        int partition = partitionOf(key);
        ReplicaId replica = placement.replicaOf(partition);
        DirectReads direct = replica != null && replica.nodeId().equals(host.identity().nodeId())
                ? host.directReads(partition) : null;
        Reply reply = direct == null ? null : direct.get(key);
        if (reply != null) {
            routed(replica);
            return CompletableFuture.completedFuture(reply);
        }
        return ask(partition, replyTo -> new ReplicaProtocol.Get(key, replyTo));
    }

    /** Asks the replica of the key's partition. */
    public CompletionStage<Reply> ask(byte[] key, Function<ActorRef<Reply>, Command> command) {
        return ask(partitionOf(key), command);
    }

    /**
     * Asks the replica of {@code partition}; fails with {@link PartitionUnavailableException} when it cannot:
     * at once when the partition is not placed yet or its node is not serving, so no request waits out its
     * timeout for a node that is known to be gone.
     */
    public CompletionStage<Reply> ask(int partition, Function<ActorRef<Reply>, Command> command) {
        ReplicaId replica = placement.replicaOf(partition);
        boolean local = replica != null && replica.nodeId().equals(host.identity().nodeId());
        if (!local) {
            PartitionUnavailableException unavailable = unavailable(partition, replica);
            if (unavailable != null) {
                return CompletableFuture.failedFuture(unavailable);
            }
        }
        if (inFlight.incrementAndGet(partition) > maxInFlight) {
            inFlight.decrementAndGet(partition);
            return CompletableFuture.failedFuture(new PartitionUnavailableException("overloaded", partition,
                    "partition " + partition + " has " + maxInFlight + " requests in flight; retry later"));
        }
        routed(replica);
        CompletionStage<Reply> reply;
        try {
            ActorRef<Command> running = local ? host.runningReplica(partition) : null;
            if (running != null) {
                // The replica runs here: tell it directly rather than through the shard region and shard.
                reply = AskPattern.ask(running, command, timeout, scheduler);
            } else {
                EntityRef<Command> ref = sharding.entityRefFor(PartitionReplica.TYPE_KEY, replica.toString());
                reply = ref.ask(command, timeout);
            }
        } catch (RuntimeException e) {
            inFlight.decrementAndGet(partition); // never leak a slot, or the partition looks overloaded forever
            throw e;
        }
        // Pekko's Java futures run plain continuations (handle, thenApply) on the JDK's common pool, one thread
        // on a small machine; this one is short, so it runs on the thread that completes the reply, and the
        // stage returned is a plain CompletableFuture whose callers' continuations do the same.
        return reply.handleAsync((answer, failure) -> {
            inFlight.decrementAndGet(partition);
            if (failure == null) {
                return answer;
            }
            throw timeoutOrFailure(partition, replica, failure);
        }, Runnable::run);
    }

    /** How many requests went to each node's replicas since this node started, by node id. */
    public Map<String, Long> routedRequests() {
        Map<String, Long> counts = new TreeMap<>();
        routedTo.forEach((node, count) -> counts.put(node, count.sum()));
        return counts;
    }

    private void routed(ReplicaId replica) {
        routedTo.computeIfAbsent(replica.nodeId(), node -> new LongAdder()).increment();
    }

    /** Why a partition placed elsewhere cannot be asked now, or null if it can. */
    private PartitionUnavailableException unavailable(int partition, ReplicaId replica) {
        if (replica == null) {
            return new PartitionUnavailableException("partition_unavailable", partition, "partition " + partition
                    + " is not placed yet: the cluster's coordinator has not published its placement to this node");
        }
        NodeLiveness.NodeState node = liveness.node(replica.nodeId());
        if (node == null) {
            return new PartitionUnavailableException("partition_unavailable", partition, "partition " + partition
                    + " is on node " + replica.nodeId() + ", which is not in the cluster");
        }
        if (!node.serving()) {
            return new PartitionUnavailableException("partition_unavailable", partition, "partition " + partition
                    + " is on node " + replica.nodeId() + " (" + node.address() + "), which is "
                    + (node.reachable() ? node.status() : "unreachable"));
        }
        return null;
    }

    private RuntimeException timeoutOrFailure(int partition, ReplicaId replica, Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException ? failure.getCause() : failure;
        if (cause instanceof TimeoutException) {
            return new PartitionUnavailableException("timeout", partition, "partition " + partition + " (replica "
                    + replica + ") did not answer within " + timeout.toMillis() + " ms; a write's outcome is unknown");
        }
        return new PartitionUnavailableException("partition_unavailable", partition, "partition " + partition
                + " (replica " + replica + ") failed: " + cause);
    }
}
