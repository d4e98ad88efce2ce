package io.corecache.engine.lsm;

import io.corecache.engine.StorageException;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The writer queue (docs/lsm.md, "Write path"): writers queue up, and the one at the head leads a group.
 *
 * <p>Implementation notes (as LevelDB's and Bitcask's {@code GroupCommitWriter}): a caller queues its write
 * and waits. The caller at the head takes every queued write behind it (up to {@link #MAX_GROUP_BYTES}, and
 * never past an exclusive action), releases the lock and applies the group (log append, fsync, memtable),
 * so writers arriving meanwhile queue up for the next group and share its fsync. It then marks the group
 * done, wakes its members and hands the head to the next caller. Only the head applies anything, so groups
 * are applied one at a time, in queue order. An exclusive action (switching the memtable for a flush, a
 * restore, close) runs at the head alone: no group is in flight while it runs.
 */
final class WriteQueue {

    /** A leader stops adding writes to its group past this many bytes, so latency stays bounded. */
    static final int MAX_GROUP_BYTES = 1 << 20;

    private static final class Ticket {
        final LsmWrite write;
        final Supplier<?> action;
        boolean done;
        RuntimeException error;
        Object result;

        Ticket(LsmWrite write, Supplier<?> action) {
            this.write = write;
            this.action = action;
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    // Guarded by lock; the head is the leader.
    private final ArrayDeque<Ticket> queue = new ArrayDeque<>();

    /** Queues {@code write}; returns once a leader (maybe this caller) has applied it with {@code applier}. */
    void write(LsmWrite write, Consumer<List<LsmWrite>> applier) {
        run(new Ticket(write, null), applier);
    }

    /** Runs {@code action} at the head of the queue, with no group in flight; returns its result. */
    @SuppressWarnings("unchecked")
    <T> T exclusive(Supplier<T> action) {
        return (T) run(new Ticket(null, action), null);
    }

    private Object run(Ticket mine, Consumer<List<LsmWrite>> applier) {
        List<Ticket> group = new ArrayList<>();
        lock.lock();
        try {
            queue.addLast(mine);
            while (!mine.done && queue.peekFirst() != mine) {
                changed.awaitUninterruptibly();
            }
            if (mine.done) {
                if (mine.error != null) {
                    throw new StorageException(mine.error.getMessage(), mine.error);
                }
                return null;
            }
            group.add(mine);
            if (mine.action == null) {
                int bytes = mine.write.bytes();
                for (Ticket next : queue) {
                    if (next == mine) {
                        continue;
                    }
                    if (next.action != null || bytes + next.write.bytes() > MAX_GROUP_BYTES) {
                        break;
                    }
                    bytes += next.write.bytes();
                    group.add(next);
                }
            }
        } finally {
            lock.unlock();
        }
        RuntimeException error = null;
        Object result = null;
        try {
            if (mine.action != null) {
                result = mine.action.get();
            } else {
                List<LsmWrite> writes = new ArrayList<>(group.size());
                for (Ticket t : group) {
                    writes.add(t.write);
                }
                applier.accept(writes);
            }
        } catch (RuntimeException e) {
            error = e;
        } finally {
            lock.lock();
            try {
                for (Ticket t : group) {
                    queue.removeFirst();
                    t.done = true;
                    t.error = error;
                }
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
        if (error != null) {
            throw error;
        }
        return result;
    }
}
