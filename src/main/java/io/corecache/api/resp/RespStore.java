package io.corecache.api.resp;

import io.corecache.cluster.ReplicaProtocol.Applied;
import io.corecache.cluster.ReplicaProtocol.Apply;
import io.corecache.cluster.ReplicaProtocol.Batch;
import io.corecache.cluster.ReplicaProtocol.BatchApplied;
import io.corecache.cluster.ReplicaProtocol.BatchOp;
import io.corecache.cluster.ReplicaProtocol.Clear;
import io.corecache.cluster.ReplicaProtocol.Command;
import io.corecache.cluster.ReplicaProtocol.Cleared;
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
import io.corecache.cluster.ReplicaProtocol.Reply;
import io.corecache.cluster.ReplicaProtocol.StoredValue;
import io.corecache.cluster.Router;
import io.corecache.cluster.ScanMerger;
import io.corecache.cluster.op.KeyOperation;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.japi.function.Function;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.ToLongFunction;

/**
 * The store as RESP commands see it: a key's version, an atomic operation on a key, conditional batches
 * of one partition, range reads. Replies are unwrapped; a {@link Failed} completes the stage with a
 * {@link CommandError} worded for {@code command}.
 */
final class RespStore {

    private final Router router;
    private final int scanPageSize;

    RespStore(Router router, int scanPageSize) {
        this.router = router;
        this.scanPageSize = scanPageSize;
    }

    int partitions() {
        return router.partitions();
    }

    int partitionOf(byte[] key) {
        return router.partitionOf(key);
    }

    /**
     * The key's version, or null. {@code direct} allows reading the engine without a message when the
     * partition is local; a connection forbids it while one of its own writes to the partition is in flight.
     */
    CompletionStage<StoredValue> get(byte[] key, boolean direct, String command) {
        CompletionStage<Reply> reply = direct ? router.get(key) : router.ask(key, replyTo -> new Get(key, replyTo));
        return reply.thenApply(answer -> {
            if (answer instanceof Found found) {
                return found.value();
            }
            if (answer instanceof NotFound) {
                return null;
            }
            throw unexpected(answer, command);
        });
    }

    CompletionStage<Applied> apply(byte[] key, KeyOperation operation, String command) {
        return router.ask(key, replyTo -> new Apply(key, operation, replyTo)).thenApply(answer -> {
            if (answer instanceof Applied applied) {
                return applied;
            }
            throw unexpected(answer, command);
        });
    }

    /** True if the key existed (and is now deleted). */
    CompletionStage<Boolean> delete(byte[] key, Precondition precondition, String command) {
        return router.ask(key, replyTo -> new Delete(key, precondition, replyTo)).thenApply(answer -> {
            if (answer instanceof Deleted) {
                return true;
            }
            if (answer instanceof NotFound || answer instanceof PreconditionFailed) {
                return false;
            }
            throw unexpected(answer, command);
        });
    }

    /** Applies the operations (all of one partition) atomically; false if a precondition did not hold. */
    CompletionStage<Boolean> batch(int partition, List<BatchOp> ops, String command) {
        return router.ask(partition, replyTo -> new Batch(ops, replyTo)).thenApply(answer -> {
            if (answer instanceof BatchApplied) {
                return true;
            }
            if (answer instanceof PreconditionFailed) {
                return false;
            }
            throw unexpected(answer, command);
        });
    }

    /** Deletes every key of every partition; the number deleted. */
    CompletionStage<Long> clearAll(String command) {
        return sumOverPartitions(Clear::new, Cleared.class, Cleared::keys, command);
    }

    /** The keys every partition holds, as their engines count them (exact for bitcask, an estimate for lsm). */
    CompletionStage<Long> keyCount(String command) {
        return sumOverPartitions(GetStats::new, PartitionStats.class, PartitionStats::keys, command);
    }

    /** Asks every partition at once and adds up a number from each answer, which must be an {@code R}. */
    private <R extends Reply> CompletionStage<Long> sumOverPartitions(Function<ActorRef<Reply>, Command> question,
                                                                      Class<R> expected, ToLongFunction<R> count,
                                                                      String command) {
        List<CompletableFuture<Long>> answers = new ArrayList<>();
        for (int p = 0; p < router.partitions(); p++) {
            answers.add(router.ask(p, question).thenApply(answer -> {
                if (!expected.isInstance(answer)) {
                    throw unexpected(answer, command);
                }
                return count.applyAsLong(expected.cast(answer));
            }).toCompletableFuture());
        }
        return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
                .thenApply(unused -> answers.stream().mapToLong(CompletableFuture::join).sum());
    }

    /** Keys {@code start <= key < end} of every partition in order (see {@link ScanMerger}). */
    ScanMerger range(byte[] start, byte[] end, boolean keysOnly, int pageSize) {
        return new ScanMerger(router, start, end, keysOnly, Math.max(1, Math.min(pageSize, scanPageSize)));
    }

    private static RuntimeException unexpected(Reply answer, String command) {
        if (answer instanceof Failed failed) {
            return ErrorReplies.fromFailed(failed, command);
        }
        return CommandError.err("unexpected reply from the partition: " + answer);
    }
}
