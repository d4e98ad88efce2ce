package io.corecache.cluster;

import io.corecache.cluster.op.KeyOperation;
import org.apache.pekko.actor.typed.ActorRef;

import java.util.List;

/**
 * What a partition replica understands and answers. Every command carries a {@code replyTo}; every reply is
 * one of {@link Reply}'s records. All of them may cross nodes, so they are plain records serialized with
 * Jackson CBOR; keys and values are raw bytes.
 */
public final class ReplicaProtocol {

    private ReplicaProtocol() {
    }

    public interface Command extends CborSerializable {
    }

    /** Starts the replica (opening its engine) and answers {@link Started}. */
    public record Wake(ActorRef<Reply> replyTo) implements Command {
    }

    public record Get(byte[] key, ActorRef<Reply> replyTo) implements Command {
    }

    /** Stores a value; {@code ttlMillis} 0 means no expiry. */
    public record Put(byte[] key, byte[] value, long ttlMillis, Precondition precondition, ActorRef<Reply> replyTo)
            implements Command {
    }

    public record Delete(byte[] key, Precondition precondition, ActorRef<Reply> replyTo) implements Command {
    }

    /**
     * Applies a read-modify-write operation to the key, atomically (the replica is the key's only writer).
     * Answers {@link Applied}, or {@link Failed} with the operation's code when it cannot apply.
     */
    public record Apply(byte[] key, KeyOperation operation, ActorRef<Reply> replyTo) implements Command {
    }

    /** Deletes every key of the partition, one revision per batch of deletes; answers {@link Cleared}. */
    public record Clear(ActorRef<Reply> replyTo) implements Command {
    }

    /**
     * Operations of one partition, applied atomically under one revision, and only if every operation's
     * precondition holds (else {@link PreconditionFailed} for the first that does not, and nothing changes).
     */
    public record Batch(List<BatchOp> ops, ActorRef<Reply> replyTo) implements Command {
    }

    /** Entries with {@code start <= key < end} (null end: no end), at most {@code limit}. */
    public record Scan(byte[] start, byte[] end, int limit, boolean keysOnly, ActorRef<Reply> replyTo)
            implements Command {
    }

    public record GetStats(ActorRef<Reply> replyTo) implements Command {
    }

    /** Sent by sharding when the node shuts down: stop once every applied write is durable. */
    public record Stop() implements Command {
    }

    /** A condition a write checks against the key's current version, atomically with the write. */
    public record Precondition(Kind kind, long revision) {
        public enum Kind { NONE, ABSENT, PRESENT, REVISION }

        public static final Precondition NONE = new Precondition(Kind.NONE, 0);
        public static final Precondition ABSENT = new Precondition(Kind.ABSENT, 0);
        public static final Precondition PRESENT = new Precondition(Kind.PRESENT, 0);

        public static Precondition revision(long revision) {
            return new Precondition(Kind.REVISION, revision);
        }
    }

    /** One batch operation: a put (value not null) or a delete (value null), with its condition. */
    public record BatchOp(byte[] key, byte[] value, long ttlMillis, Precondition precondition) {

        public BatchOp {
            precondition = precondition == null ? Precondition.NONE : precondition;
        }

        public BatchOp(byte[] key, byte[] value, long ttlMillis) {
            this(key, value, ttlMillis, Precondition.NONE);
        }

        public boolean isDelete() {
            return value == null;
        }
    }

    public interface Reply extends CborSerializable {
    }

    public record Started(int partition, long keys) implements Reply {
    }

    public record Found(StoredValue value) implements Reply {
    }

    public record NotFound() implements Reply {
    }

    public record Written(boolean created, long revision) implements Reply {
    }

    public record Deleted(long revision) implements Reply {
    }

    /** The precondition did not hold; {@code currentRevision} is 0 when the key is absent. */
    public record PreconditionFailed(long currentRevision) implements Reply {
    }

    /** Outcomes in the order of the batch's operations: created, replaced, deleted or not_found. */
    public record BatchApplied(List<String> outcomes, long revision) implements Reply {
    }

    /**
     * What an {@link Apply} did: {@code done} says whether it took effect (SET NX that found the key: false),
     * {@code value} and {@code number} carry what the operation replies (an old value, a new length).
     */
    public record Applied(boolean done, byte[] value, long number) implements Reply {
    }

    /** A {@link Clear} deleted {@code keys} keys. */
    public record Cleared(long keys, long revision) implements Reply {
    }

    /** A page of a scan; {@code more} when the partition holds further entries in the range. */
    public record ScanPage(List<StoredEntry> entries, boolean more) implements Reply {
    }

    public record PartitionStats(int partition, String replica, long keys, long diskBytes, long deadBytes,
                                 int files, long merges, long revision) implements Reply {
    }

    /** The command failed; {@code code} is a stable error code (invalid arguments keep the engine's). */
    public record Failed(String code, String message) implements Reply {
    }

    /** A stored version as readers see it; {@code expiresAt} 0 means none, all times epoch millis. */
    public record StoredValue(byte[] value, long createTime, long writeTime, long revision, long expiresAt) {
    }

    /** A key and its version; the value is null when the scan asked for keys only. */
    public record StoredEntry(byte[] key, StoredValue version) {
    }
}
