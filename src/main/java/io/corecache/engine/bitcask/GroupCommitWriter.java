package io.corecache.engine.bitcask;

import io.corecache.engine.Durability;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Appends records to the active data file, many writers' records per write and per fsync (group commit).
 *
 * <p>Implementation notes (as LevelDB's write queue): each caller queues its mutations and waits. The
 * caller at the head of the queue becomes the leader: under the lock it takes the queued writes, encodes
 * them (creation times come from the key directory), then releases the lock for the append and the fsync,
 * so new writers can queue meanwhile. It re-takes the lock, publishes the new locations in the key
 * directory, wakes the writers it served and hands leadership to the new head. Only the head leads, so
 * one group is in flight at a time and the key directory changes in log order. A failed append or fsync
 * fails the engine: what reached the disk is unknown, so nothing more is acknowledged until a reopen
 * replays the file.
 */
final class GroupCommitWriter {

    /** A leader stops adding writes to its group past this many bytes, so latency stays bounded. */
    private static final int MAX_GROUP_BYTES = 4 << 20;

    private static final class Pending {
        final List<Mutation> mutations;
        /** Instead of mutations: work to do in turn, under the lock, with no group in flight. */
        final Runnable action;
        final int bytes;
        final Condition turn;
        boolean done;
        RuntimeException error;

        Pending(List<Mutation> mutations, Runnable action, Condition turn) {
            this.mutations = mutations;
            this.action = action;
            this.turn = turn;
            int total = 0;
            for (Mutation m : mutations) {
                total += m.recordSize();
            }
            this.bytes = total;
        }
    }

    /** A key-directory change to publish once the group's bytes are written. */
    private record Update(byte[] key, Location location) {
    }

    private final BitcaskEngine engine;
    private final ReentrantLock lock;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private final boolean syncEachGroup;
    private ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
    private DataFile active;
    /** Groups appended so far (under the lock), and how many of them an explicit fsync has covered. */
    private long appended;
    private volatile long synced;
    private final Object syncOrder = new Object();

    GroupCommitWriter(BitcaskEngine engine, ReentrantLock lock, DataFile active) {
        this.engine = engine;
        this.lock = lock;
        this.active = active;
        this.syncEachGroup = engine.options().engine().durability() == Durability.SYNC;
    }

    /** The file being appended to. Caller holds the lock. */
    DataFile active() {
        return active;
    }

    /** Appends the mutations as one unit; returns once they are written (and fsynced in sync mode). */
    void write(List<Mutation> mutations) {
        enqueue(mutations, null);
    }

    /**
     * Runs {@code action} in turn with the writers, under the lock, while no group is being appended
     * outside it: rolling over, or a restore replacing the whole state.
     */
    void inTurn(Runnable action) {
        enqueue(List.of(), action);
    }

    private void enqueue(List<Mutation> mutations, Runnable action) {
        Pending self;
        lock.lock();
        try {
            self = new Pending(mutations, action, lock.newCondition());
            queue.addLast(self);
            while (!self.done && queue.peekFirst() != self) {
                self.turn.awaitUninterruptibly();
            }
            if (!self.done) {
                lead();
            }
        } finally {
            lock.unlock();
        }
        if (self.error != null) {
            throw self.error;
        }
    }

    /** Makes the active file immutable (if it holds anything) and starts a new one, in turn with the writers. */
    void seal() {
        inTurn(() -> {
            if (active.size() > 0) {
                roll();
            }
        });
    }

    /** Makes {@code file} the active file. Only from an {@link #inTurn} action. */
    void replaceActive(DataFile file) {
        active = file;
    }

    /** Runs one group as the head of the queue. Called and returns with the lock held. */
    private void lead() {
        if (queue.peekFirst().action != null) {
            Pending self = queue.removeFirst();
            try {
                engine.checkWritable();
                self.action.run();
            } catch (RuntimeException e) {
                self.error = e;
            }
            self.done = true;
            if (!queue.isEmpty()) {
                queue.peekFirst().turn.signal();
            }
            return;
        }
        List<Pending> group = new ArrayList<>();
        long bytes = 0;
        for (Pending p : queue) {
            if (p.action != null || (!group.isEmpty() && bytes + p.bytes > MAX_GROUP_BYTES)) {
                break;
            }
            group.add(p);
            bytes += p.bytes;
        }
        RuntimeException error = null;
        List<Update> updates = null;
        DataFile target = null;
        long start = 0;
        try {
            engine.checkWritable();
            if (active.size() > 0 && active.size() + bytes > engine.options().maxFileBytes()) {
                roll();
            }
            target = active;
            start = target.size();
            updates = encode(group, target, start, (int) bytes);
        } catch (RuntimeException e) {
            error = e;
        }
        if (error == null) {
            target.retain(); // a restore or close may retire the file while we append outside the lock
            lock.unlock();
            try {
                target.file.append(buffer);
                if (syncEachGroup) {
                    target.file.sync();
                }
            } catch (IOException | RuntimeException | Error e) {
                // Whatever it was, the group must complete (or every later writer waits behind it), and
                // what reached the file is unknown: the engine stops acknowledging writes.
                error = engine.fail("cannot append to " + target.path, e);
            } finally {
                target.release();
                lock.lock();
            }
        }
        if (error == null) {
            target.grew(start + bytes);
            publish(updates, target, group);
            appended++;
        }
        for (Pending p : group) {
            p.done = true;
            p.error = error;
            queue.removeFirst();
            p.turn.signal();
        }
        if (!queue.isEmpty()) {
            queue.peekFirst().turn.signal();
        }
    }

    /** Encodes the group into {@link #buffer}; returns the key-directory changes it will make. */
    private List<Update> encode(List<Pending> group, DataFile target, long start, int bytes) {
        if (buffer.capacity() < bytes) {
            buffer = ByteBuffer.allocate(Math.max(bytes, buffer.capacity() * 2));
        }
        buffer.clear();
        long now = engine.now();
        List<Update> updates = new ArrayList<>();
        // Creation times of keys an earlier write in this same group set or deleted (null = deleted).
        Map<Key, Long> written = group.size() > 1 || group.get(0).mutations.size() > 1 ? new HashMap<>() : null;
        for (Pending p : group) {
            for (int i = 0; i < p.mutations.size(); i++) {
                Mutation m = p.mutations.get(i);
                int flags = i < p.mutations.size() - 1 ? RecordFormat.FLAG_BATCH_CONTINUES : 0;
                int offset = (int) (start + buffer.position());
                long writeTime = m.writeTime() == Mutation.NOW ? now : m.writeTime();
                if (m.isMeta()) {
                    RecordFormat.encode(buffer, flags | RecordFormat.FLAG_META, new byte[0], new byte[0],
                            m.revision(), 0, writeTime, 0);
                    updates.add(new Update(null, null));
                } else if (m.isDelete()) {
                    RecordFormat.encode(buffer, flags | RecordFormat.FLAG_TOMBSTONE, m.key(), new byte[0],
                            m.revision(), 0, writeTime, 0);
                    updates.add(new Update(m.key(), null));
                    if (written != null) {
                        written.put(new Key(m.key()), null);
                    }
                } else {
                    long createTime = m.createTime() != Mutation.NOW ? m.createTime()
                            : creationTime(m.key(), written, writeTime);
                    RecordFormat.encode(buffer, flags, m.key(), m.value(), m.revision(), createTime, writeTime,
                            m.expiresAt());
                    int size = buffer.position() - (offset - (int) start);
                    updates.add(new Update(m.key(),
                            new Location(target.handle, offset, size, createTime, m.expiresAt() != 0)));
                    if (written != null) {
                        written.put(new Key(m.key()), createTime);
                    }
                }
            }
        }
        buffer.flip();
        return updates;
    }

    /** The key's creation time if it is live (written earlier in this group, or in the directory), else now. */
    private long creationTime(byte[] key, Map<Key, Long> written, long now) {
        if (written != null) {
            Key k = new Key(key);
            if (written.containsKey(k)) {
                Long created = written.get(k);
                return created == null ? now : created;
            }
        }
        Location current = engine.keyDir().getForWrite(key);
        if (current == null) {
            return now;
        }
        if (current.expires() && engine.isExpired(current, now)) {
            return now;
        }
        return current.createTime();
    }

    /** Publishes a written group's locations. Caller holds the lock. */
    private void publish(List<Update> updates, DataFile target, List<Pending> group) {
        int index = 0;
        for (Pending p : group) {
            for (Mutation m : p.mutations) {
                Update u = updates.get(index++);
                if (m.isMeta()) {
                    target.addDead(m.recordSize());
                } else if (u.location() == null) {
                    target.addDead(m.recordSize());
                    engine.forget(engine.keyDir().remove(m.key()));
                } else {
                    engine.forget(engine.keyDir().put(m.key(), u.location()));
                }
                engine.noteRevision(m.revision());
            }
        }
    }

    /** Seals the active file (fsync) and starts the next one. Caller holds the lock. */
    void roll() {
        try {
            active.file.sync();
            active.file.finishAppending();
            DataFile sealed = active;
            active = engine.createDataFile(FileNames.generation(engine.files().highestId()) + 1);
            engine.sealed(sealed);
        } catch (IOException e) {
            throw engine.fail("cannot roll over " + active.path, e);
        }
    }

    /**
     * Returns once every write acknowledged before the call is on disk. Concurrent callers take turns, and
     * a caller whose writes an earlier fsync already covered returns without one.
     */
    void sync() {
        engine.checkWritable(); // a failed engine says so, whatever the mode
        if (syncEachGroup) {
            return; // every group was fsynced before it was acknowledged
        }
        DataFile target;
        long upTo;
        lock.lock();
        try {
            engine.checkWritable();
            target = active;
            upTo = appended;
            target.retain(); // a merge or restore may retire it while we fsync outside the lock
        } finally {
            lock.unlock();
        }
        try {
            synchronized (syncOrder) {
                if (synced >= upTo) {
                    return;
                }
                // Groups before upTo are in target, or in files a roll fsynced when it sealed them.
                target.file.sync();
                synced = upTo;
            }
        } catch (IOException e) {
            throw engine.fail("cannot fsync " + target.path, e);
        } finally {
            target.release();
        }
    }

    /** A key with value equality, for the group's map of keys already written. */
    private record Key(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && java.util.Arrays.equals(bytes, k.bytes);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(bytes);
        }
    }
}
