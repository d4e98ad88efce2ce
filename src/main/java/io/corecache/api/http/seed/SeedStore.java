package io.corecache.api.http.seed;

import io.corecache.api.http.ReplicaCalls;
import io.corecache.cluster.ReplicaProtocol.Batch;
import io.corecache.cluster.ReplicaProtocol.BatchOp;
import io.corecache.cluster.ReplicaProtocol.Delete;
import io.corecache.cluster.ReplicaProtocol.Deleted;
import io.corecache.cluster.ReplicaProtocol.Found;
import io.corecache.cluster.ReplicaProtocol.Precondition;
import io.corecache.cluster.ReplicaProtocol.Put;
import io.corecache.cluster.ReplicaProtocol.StoredValue;
import io.corecache.engine.InvalidArgumentException;
import io.corecache.engine.Limits;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The reads and writes the seed dialects make, asked of the partition replicas through {@link ReplicaCalls}
 * exactly as {@code /v1/kv} asks them, so a key written through a seed route is the same key everywhere.
 * The seed systems had no revisions, TTLs or preconditions: every write here is unconditional and forever.
 */
final class SeedStore {

    /** One key and value of a batch. */
    record Entry(byte[] key, byte[] value) {
    }

    private final ReplicaCalls calls;
    private final Limits limits;

    SeedStore(ReplicaCalls calls, Limits limits) {
        this.calls = calls;
        this.limits = limits;
    }

    ReplicaCalls calls() {
        return calls;
    }

    Limits limits() {
        return limits;
    }

    /** What is wrong with the key (empty, too long), or null; checked before any replica is asked. */
    String keyProblem(byte[] key) {
        try {
            limits.checkKey(key);
            return null;
        } catch (InvalidArgumentException e) {
            return e.getMessage();
        }
    }

    boolean valueTooLarge(long bytes) {
        return bytes > limits.maxValueBytes();
    }

    String valueTooLargeMessage(long bytes) {
        return "value is " + bytes + " bytes; the limit is " + limits.maxValueBytes();
    }

    CompletionStage<Optional<StoredValue>> get(byte[] key) {
        return calls.get(key)
                .thenApply(reply -> reply instanceof Found found ? Optional.of(found.value()) : Optional.empty());
    }

    CompletionStage<Void> put(byte[] key, byte[] value) {
        return calls.ask(key, replyTo -> new Put(key, value, 0, Precondition.NONE, replyTo)).thenApply(reply -> null);
    }

    /** Deletes the key; completes with whether it existed. */
    CompletionStage<Boolean> delete(byte[] key) {
        return calls.ask(key, replyTo -> new Delete(key, Precondition.NONE, replyTo))
                .thenApply(reply -> reply instanceof Deleted);
    }

    /**
     * Writes the entries, one {@link Batch} per partition: atomic within a partition, not across partitions
     * (the seed store's batch was one file append; CoreCache's partitions commit independently).
     */
    CompletionStage<Void> putAll(List<Entry> entries) {
        Map<Integer, List<BatchOp>> byPartition = new TreeMap<>();
        for (Entry entry : entries) {
            byPartition.computeIfAbsent(calls.router().partitionOf(entry.key()), p -> new ArrayList<>())
                    .add(new BatchOp(entry.key(), entry.value(), 0));
        }
        List<CompletableFuture<?>> asks = new ArrayList<>(byPartition.size());
        byPartition.forEach((partition, ops) ->
                asks.add(calls.ask(partition, replyTo -> new Batch(ops, replyTo)).toCompletableFuture()));
        return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new));
    }
}
