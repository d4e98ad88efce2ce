package io.corecache.cluster;

import io.corecache.cluster.ReplicaProtocol.Apply;
import io.corecache.cluster.ReplicaProtocol.Batch;
import io.corecache.cluster.ReplicaProtocol.BatchApplied;
import io.corecache.cluster.ReplicaProtocol.BatchOp;
import io.corecache.cluster.ReplicaProtocol.Clear;
import io.corecache.cluster.ReplicaProtocol.Cleared;
import io.corecache.cluster.ReplicaProtocol.Command;
import io.corecache.cluster.ReplicaProtocol.Delete;
import io.corecache.cluster.ReplicaProtocol.Deleted;
import io.corecache.cluster.ReplicaProtocol.Failed;
import io.corecache.cluster.ReplicaProtocol.Found;
import io.corecache.cluster.ReplicaProtocol.Get;
import io.corecache.cluster.ReplicaProtocol.GetStats;
import io.corecache.cluster.ReplicaProtocol.NotFound;
import io.corecache.cluster.ReplicaProtocol.PartitionStats;
import io.corecache.cluster.ReplicaProtocol.Precondition;
import io.corecache.cluster.ReplicaProtocol.PreconditionFailed;
import io.corecache.cluster.ReplicaProtocol.Put;
import io.corecache.cluster.ReplicaProtocol.Reply;
import io.corecache.cluster.ReplicaProtocol.Scan;
import io.corecache.cluster.ReplicaProtocol.ScanPage;
import io.corecache.cluster.ReplicaProtocol.Started;
import io.corecache.cluster.ReplicaProtocol.StoredEntry;
import io.corecache.cluster.ReplicaProtocol.StoredValue;
import io.corecache.cluster.ReplicaProtocol.Wake;
import io.corecache.cluster.ReplicaProtocol.Written;
import io.corecache.cluster.op.OperationException;
import io.corecache.cluster.op.Outcome;
import io.corecache.engine.CorruptionException;
import io.corecache.engine.Durability;
import io.corecache.engine.Entry;
import io.corecache.engine.ExpiredKeys;
import io.corecache.engine.EngineStats;
import io.corecache.engine.InvalidArgumentException;
import io.corecache.engine.RangeCursor;
import io.corecache.engine.StorageEngine;
import io.corecache.engine.Versioned;
import io.corecache.engine.WriteBatch;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One partition's replica on one node: the sharded entity that owns the partition's engine directory.
 *
 * <p>Implementation notes: the actor is the partition's only writer, so a write's read-check-write (created
 * or replaced, {@code If-Match}) is atomic without locks, and revisions (the ETags) grow by one per write.
 * Writes are applied to the engine as they arrive; in {@code sync} mode their replies wait for a shared
 * fsync ({@link DurableReplies}), and so do reads that may have seen such a write. Fronts on this node
 * read the engine without a message while no write waits for its fsync ({@link DirectReads}). The engine
 * is opened when the entity starts and closed (synced) when it stops; after a failed fsync it is closed
 * at once and the partition answers as {@link Unavailable} until the node restarts.
 */
public final class PartitionReplica extends AbstractBehavior<Command> {

    public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "replica");

    /** The fsync started by {@link DurableReplies} ended; never leaves this actor. */
    private record SyncDone(Throwable failure) implements Command, NoSerializationVerificationNeeded {
    }

    /** Time for the next step of the expiry sweep; never leaves this actor. */
    private record SweepExpired() implements Command, NoSerializationVerificationNeeded {
    }

    /** Stands for a version that exists but cannot be read; never returned to a client. */
    private static final Versioned UNREADABLE = new Versioned(new byte[0], 0, 0, 0, Versioned.NO_EXPIRY);

    /** Deletes per batch when a partition is cleared: bounded, so one batch never holds the whole partition. */
    private static final int CLEAR_BATCH = 1000;

    private final ReplicaId id;
    private final ReplicaHost host;
    private final StorageEngine engine;
    private final boolean acknowledgeAfterSync;
    private final DurableReplies durable = new DurableReplies();
    private final DirectReads directReads;
    private long revision;
    private boolean stopping;
    /** Where the expiry sweep goes on; null: from the first key. */
    private byte[] sweepFrom;

    static Behavior<Command> create(ReplicaId id, ReplicaHost host) {
        return Behaviors.setup(context -> {
            if (!id.nodeId().equals(host.identity().nodeId()) || id.partition() >= host.settings().partitions()) {
                context.getLog().error("replica {} does not belong on node {} with {} partitions; stopping",
                        id, host.identity().nodeId(), host.settings().partitions());
                return Behaviors.stopped();
            }
            StorageEngine engine;
            try {
                engine = EngineFactory.open(host.settings(), host.settings().partitionDir(id.partition()));
            } catch (RuntimeException e) {
                context.getLog().error("replica {} cannot open its engine: {}", id, e.toString());
                return Unavailable.create(id, "could not open its data: " + e.getMessage());
            }
            return Behaviors.<Command>withTimers(timers -> {
                Duration every = host.settings().expirySweepInterval();
                if (!every.isZero()) {
                    timers.startTimerWithFixedDelay(new SweepExpired(), every);
                }
                return new PartitionReplica(context, id, host, engine);
            });
        });
    }

    private PartitionReplica(ActorContext<Command> context, ReplicaId id, ReplicaHost host, StorageEngine engine) {
        super(context);
        this.id = id;
        this.host = host;
        this.engine = engine;
        this.directReads = new DirectReads(engine);
        this.acknowledgeAfterSync = host.settings().durability() == Durability.SYNC;
        this.revision = engine.appliedRevision();
        host.opened(id.partition(), engine, context.getSelf(), directReads);
        context.getLog().debug("replica {} started at revision {}", id, revision);
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Get.class, this::onGet)
                .onMessage(Put.class, this::onPut)
                .onMessage(Delete.class, this::onDelete)
                .onMessage(Apply.class, this::onApply)
                .onMessage(Batch.class, this::onBatch)
                .onMessage(Clear.class, this::onClear)
                .onMessage(Scan.class, this::onScan)
                .onMessage(GetStats.class, this::onStats)
                .onMessage(Wake.class, this::onWake)
                .onMessage(SyncDone.class, this::onSyncDone)
                .onMessage(SweepExpired.class, sweep -> onSweepExpired())
                .onMessage(ReplicaProtocol.Stop.class, stop -> onStopRequested())
                .onSignal(PostStop.class, signal -> onStop())
                .build();
    }

    private Behavior<Command> onGet(Get get) {
        try {
            Versioned current = engine.get(get.key());
            answerRead(get.replyTo(), current == null ? new NotFound() : new Found(stored(current)));
        } catch (RuntimeException e) {
            // A corrupt record is reported (with its file and offset), never served, and the replica stays up.
            getContext().getLog().error("replica {}: read failed: {}", id, e.toString());
            get.replyTo().tell(failure(e));
        }
        return this;
    }

    private Behavior<Command> onPut(Put put) {
        Failed refused = refuseWrite();
        if (refused != null) {
            put.replyTo().tell(refused);
            return this;
        }
        try {
            Versioned current = current(put.key(), put.precondition());
            if (!holds(put.precondition(), current)) {
                answerRead(put.replyTo(), new PreconditionFailed(current == null ? 0 : current.revision()));
                return this;
            }
            long written = revision + 1;
            beforeWrite();
            engine.put(put.key(), put.value(), written, expiresAt(put.ttlMillis()));
            revision = written;
            answerWrite(put.replyTo(), new Written(current == null, written));
        } catch (RuntimeException e) {
            put.replyTo().tell(failure(e));
        }
        return this;
    }

    private Behavior<Command> onDelete(Delete delete) {
        Failed refused = refuseWrite();
        if (refused != null) {
            delete.replyTo().tell(refused);
            return this;
        }
        try {
            Versioned current = current(delete.key(), delete.precondition());
            if (!holds(delete.precondition(), current)) {
                answerRead(delete.replyTo(), new PreconditionFailed(current == null ? 0 : current.revision()));
                return this;
            }
            if (current == null) {
                answerRead(delete.replyTo(), new NotFound());
                return this;
            }
            long written = revision + 1;
            beforeWrite();
            engine.delete(delete.key(), written);
            revision = written;
            answerWrite(delete.replyTo(), new Deleted(written));
        } catch (RuntimeException e) {
            delete.replyTo().tell(failure(e));
        }
        return this;
    }

    private Behavior<Command> onApply(Apply apply) {
        Failed refused = refuseWrite();
        if (refused != null) {
            apply.replyTo().tell(refused);
            return this;
        }
        try {
            Versioned current = apply.operation().blind()
                    ? current(apply.key(), Precondition.NONE) : engine.get(apply.key());
            Outcome outcome = apply.operation().apply(current == UNREADABLE ? null : current,
                    host.clock().millis(), host.settings().limits().maxValueBytes());
            if (outcome.change() == Outcome.Change.NONE) {
                answerRead(apply.replyTo(), outcome.reply());
                return this;
            }
            long written = revision + 1;
            beforeWrite();
            if (outcome.change() == Outcome.Change.DELETE) {
                engine.delete(apply.key(), written);
            } else {
                engine.put(apply.key(), outcome.value(), written, outcome.expiresAt());
            }
            revision = written;
            answerWrite(apply.replyTo(), outcome.reply());
        } catch (OperationException e) {
            apply.replyTo().tell(new Failed(e.code(), e.getMessage()));
        } catch (RuntimeException e) {
            apply.replyTo().tell(failure(e));
        }
        return this;
    }

    /**
     * Deletes every key, a batch of {@value #CLEAR_BATCH} deletes at a time. The replica answers nothing
     * else meanwhile, so no write of this partition lands half-way through and survives by accident.
     */
    private Behavior<Command> onClear(Clear clear) {
        Failed refused = refuseWrite();
        if (refused != null) {
            clear.replyTo().tell(refused);
            return this;
        }
        long deleted = 0;
        byte[] from = null;
        try {
            while (true) {
                WriteBatch write = new WriteBatch(revision + 1);
                // From after the last key deleted: an LSM scan from the start would step over every tombstone.
                try (RangeCursor cursor = engine.scan(from, null, CLEAR_BATCH)) {
                    while (cursor.hasNext()) {
                        byte[] key = cursor.next().key();
                        write.delete(key);
                        from = Arrays.copyOf(key, key.length + 1);
                    }
                }
                if (write.ops().isEmpty()) {
                    break;
                }
                beforeWrite();
                engine.write(write);
                revision++;
                deleted += write.ops().size();
            }
        } catch (RuntimeException e) {
            clear.replyTo().tell(failure(e));
            return this;
        }
        answerWrite(clear.replyTo(), new Cleared(deleted, revision));
        return this;
    }

    private Behavior<Command> onBatch(Batch batch) {
        Failed refused = refuseWrite();
        if (refused != null) {
            batch.replyTo().tell(refused);
            return this;
        }
        try {
            long written = revision + 1;
            WriteBatch write = new WriteBatch(written);
            List<String> outcomes = new ArrayList<>(batch.ops().size());
            // Whether each key exists as the batch goes, so "put k; delete k" reports what a user expects.
            Map<String, Boolean> exists = new HashMap<>();
            PreconditionFailed failed = firstFailedPrecondition(batch.ops());
            if (failed != null) {
                answerRead(batch.replyTo(), failed);
                return this;
            }
            for (BatchOp op : batch.ops()) {
                String k = Arrays.toString(op.key());
                boolean present = exists.computeIfAbsent(k, unused -> current(op.key(), Precondition.NONE) != null);
                if (op.isDelete()) {
                    outcomes.add(present ? "deleted" : "not_found");
                    write.delete(op.key());
                    exists.put(k, false);
                } else {
                    outcomes.add(present ? "replaced" : "created");
                    write.put(op.key(), op.value(), expiresAt(op.ttlMillis()));
                    exists.put(k, true);
                }
            }
            beforeWrite();
            engine.write(write);
            revision = written;
            answerWrite(batch.replyTo(), new BatchApplied(outcomes, written));
        } catch (RuntimeException e) {
            batch.replyTo().tell(failure(e));
        }
        return this;
    }

    /** Every precondition is checked against the state before the batch, so all hold or nothing is written. */
    private PreconditionFailed firstFailedPrecondition(List<BatchOp> ops) {
        for (BatchOp op : ops) {
            if (op.precondition().kind() != Precondition.Kind.NONE) {
                Versioned current = current(op.key(), op.precondition());
                if (!holds(op.precondition(), current)) {
                    return new PreconditionFailed(current == null ? 0 : current.revision());
                }
            }
        }
        return null;
    }

    private Behavior<Command> onScan(Scan scan) {
        List<StoredEntry> entries = new ArrayList<>(Math.min(scan.limit(), 1024));
        boolean more;
        try (RangeCursor cursor = engine.scan(scan.start(), scan.end(),
                scan.limit() == Integer.MAX_VALUE ? Integer.MAX_VALUE : scan.limit() + 1)) {
            while (entries.size() < scan.limit() && cursor.hasNext()) {
                Entry entry = cursor.next();
                StoredValue version = stored(entry.version());
                entries.add(new StoredEntry(entry.key(), scan.keysOnly() ? withoutValue(version) : version));
            }
            more = cursor.hasNext();
        } catch (RuntimeException e) {
            getContext().getLog().error("replica {}: scan failed: {}", id, e.toString());
            scan.replyTo().tell(failure(e));
            return this;
        }
        answerRead(scan.replyTo(), new ScanPage(entries, more));
        return this;
    }

    /**
     * One step of the expiry sweep: deletes the expired keys among the next {@code sweep-keys} keys. A
     * tombstone for an expired key changes nothing a reader can see (the key was already absent), so the
     * deletes neither wait for an fsync nor hold back direct reads; a crash that loses them loses nothing.
     */
    private Behavior<Command> onSweepExpired() {
        if (stopping || durable.pending() >= host.settings().maxInFlightPerPartition()) {
            return this;
        }
        try {
            ExpiredKeys found = engine.expiredKeys(sweepFrom, host.settings().expirySweepKeys(), host.clock().millis());
            sweepFrom = found.resumeAt();
            if (!found.keys().isEmpty()) {
                WriteBatch write = new WriteBatch(revision + 1);
                found.keys().forEach(write::delete);
                engine.write(write);
                revision++;
                getContext().getLog().debug("replica {}: swept {} expired keys", id, found.keys().size());
            }
        } catch (RuntimeException e) {
            // A read or write failure here is reported by the next request that meets it; the sweep retries.
            getContext().getLog().warn("replica {}: expiry sweep failed: {}", id, e.toString());
        }
        return this;
    }

    private Behavior<Command> onStats(GetStats get) {
        EngineStats stats;
        try {
            stats = engine.stats();
        } catch (RuntimeException e) {
            get.replyTo().tell(failure(e));
            return this;
        }
        get.replyTo().tell(new PartitionStats(id.partition(), id.toString(), stats.liveKeys(), stats.diskBytes(),
                stats.deadBytes(), stats.files(), stats.merges(), revision));
        return this;
    }

    private Behavior<Command> onWake(Wake wake) {
        wake.replyTo().tell(new Started(id.partition(), engine.stats().liveKeys()));
        return this;
    }

    private Behavior<Command> onSyncDone(SyncDone done) {
        if (done.failure() != null) {
            return failedFsync(done.failure());
        }
        durable.syncDone(null);
        startSyncIfNeeded();
        if (durable.allDurable()) {
            directReads.allDurable();
        }
        return stopping && durable.allDurable() ? Behaviors.stopped() : this;
    }

    /**
     * After a failed fsync nothing applied since the last good one may be served: the writers were told
     * their writes failed, and what the kernel kept is unknown. The partition closes its engine and answers
     * 503 until the node restarts and recovery decides what survived.
     */
    private Behavior<Command> failedFsync(Throwable failure) {
        getContext().getLog().error("replica {}: fsync failed; the partition is unavailable until the node "
                + "restarts: {}", id, failure.toString());
        durable.failAll(failure);
        try {
            engine.close();
        } catch (RuntimeException e) {
            getContext().getLog().warn("replica {}: closing after the failed fsync: {}", id, e.toString());
        }
        host.closed(id.partition(), false); // never a clean shutdown: the next start must recover
        return Unavailable.create(id, "an fsync failed (" + failure.getMessage() + "); restart the node");
    }

    /** Stops at once if nothing waits for an fsync; else after the fsync that acknowledges the last write. */
    private Behavior<Command> onStopRequested() {
        stopping = true;
        return durable.allDurable() ? Behaviors.stopped() : this;
    }

    /** Closing syncs the engine, so replies still parked are answered by how the close went. */
    private Behavior<Command> onStop() {
        if (closeEngine()) {
            durable.completeAll();
        } else {
            durable.failAll(new IllegalStateException("replica " + id + " could not sync while stopping"));
        }
        return this;
    }

    /** Syncs and closes the engine; true if everything applied is durable. */
    private boolean closeEngine() {
        try {
            // Explicitly: a failed engine's close skips its sync without throwing, and then nothing is durable.
            engine.sync();
            engine.close();
            host.closed(id.partition(), true);
            getContext().getLog().debug("replica {} closed at revision {}", id, revision);
            return true;
        } catch (RuntimeException e) {
            host.closed(id.partition(), false);
            getContext().getLog().error("replica {} failed to sync and close its engine: {}", id, e.toString());
            try {
                engine.close();
            } catch (RuntimeException ignored) {
                // already reported
            }
            return false;
        }
    }

    /**
     * A write is refused while the replica stops (its engine is about to close), and when as many replies
     * already wait for an fsync as a partition may have requests in flight: a stalled disk then makes
     * writers see 503 overloaded at once instead of piling up values in memory.
     */
    private Failed refuseWrite() {
        if (stopping) {
            return new Failed("partition_unavailable", "partition " + id.partition() + " is shutting down");
        }
        if (durable.pending() >= host.settings().maxInFlightPerPartition()) {
            return new Failed("overloaded", "partition " + id.partition() + " has " + durable.pending()
                    + " writes waiting for the disk; retry later");
        }
        return null;
    }

    /**
     * The key's current version. An unconditional write may replace a record that cannot be read (it
     * failed its checksum): that is how a user repairs the key. A conditional one cannot tell whether its
     * condition holds, so it fails.
     */
    private Versioned current(byte[] key, Precondition precondition) {
        try {
            return engine.get(key);
        } catch (CorruptionException e) {
            if (precondition.kind() != Precondition.Kind.NONE) {
                throw e;
            }
            getContext().getLog().warn("replica {}: overwriting an unreadable record: {}", id, e.getMessage());
            return UNREADABLE;
        }
    }

    /** Direct reads stop before a write that is not durable yet can be seen, until its fsync ends. */
    private void beforeWrite() {
        if (acknowledgeAfterSync) {
            directReads.writePending();
        }
    }

    private void answerWrite(ActorRef<Reply> replyTo, Reply reply) {
        if (!acknowledgeAfterSync) {
            replyTo.tell(reply);
            return;
        }
        durable.park(parked(replyTo, reply));
        startSyncIfNeeded();
    }

    private void answerRead(ActorRef<Reply> replyTo, Reply reply) {
        if (!acknowledgeAfterSync || !durable.parkRead(parked(replyTo, reply))) {
            replyTo.tell(reply);
        }
    }

    private void startSyncIfNeeded() {
        if (durable.startSync()) {
            getContext().pipeToSelf(CompletableFuture.runAsync(engine::sync, host.fsyncExecutor()),
                    (ok, failure) -> new SyncDone(failure));
        }
    }

    private static DurableReplies.Parked parked(ActorRef<Reply> replyTo, Reply reply) {
        return new DurableReplies.Parked() {
            @Override
            public void complete() {
                replyTo.tell(reply);
            }

            @Override
            public void fail(Throwable cause) {
                replyTo.tell(new Failed("storage_unavailable", "the write could not be made durable: " + cause));
            }
        };
    }

    private long expiresAt(long ttlMillis) {
        return ttlMillis <= 0 ? Versioned.NO_EXPIRY : host.clock().millis() + ttlMillis;
    }

    private static boolean holds(Precondition precondition, Versioned current) {
        return switch (precondition.kind()) {
            case NONE -> true;
            case ABSENT -> current == null;
            case PRESENT -> current != null;
            case REVISION -> current != null && current.revision() == precondition.revision();
        };
    }

    static StoredValue stored(Versioned v) {
        return new StoredValue(v.value(), v.createTime(), v.writeTime(), v.revision(), v.expiresAt());
    }

    private static StoredValue withoutValue(StoredValue v) {
        return new StoredValue(null, v.createTime(), v.writeTime(), v.revision(), v.expiresAt());
    }

    static Failed failure(RuntimeException e) {
        if (e instanceof InvalidArgumentException invalid) {
            return new Failed(invalid.code(), invalid.getMessage());
        }
        return new Failed("storage_unavailable", e.getMessage() == null ? e.toString() : e.getMessage());
    }
}
