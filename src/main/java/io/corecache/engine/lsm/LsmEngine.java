package io.corecache.engine.lsm;

import io.corecache.engine.Durability;
import io.corecache.engine.EngineStats;
import io.corecache.engine.Entry;
import io.corecache.engine.ExpiredKeys;
import io.corecache.engine.FileOps;
import io.corecache.engine.InvalidArgumentException;
import io.corecache.engine.Limits;
import io.corecache.engine.RangeCursor;
import io.corecache.engine.StorageEngine;
import io.corecache.engine.StorageException;
import io.corecache.engine.Versioned;
import io.corecache.engine.WriteBatch;
import io.corecache.engine.checkpoint.CheckpointReader;
import io.corecache.engine.checkpoint.CheckpointWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The LSM-tree engine (docs/lsm.md): a write-ahead log, memtables flushed in the background to level-0
 * tables, a manifest of the live tables, reads through one pinned {@link Version}.
 *
 * <p>Implementation notes.
 * <ul>
 *   <li>Writes go through the {@link WriteQueue}: the leader of a group assigns sequences, appends one log
 *       record per write, fsyncs once ({@code sync} mode), adds to the active memtable and then publishes the
 *       group's last sequence in {@link #visible}. Readers take {@code visible} as their snapshot, so they
 *       never see a write that is not acknowledged. Only the leader touches {@link #wal} and
 *       {@link #nextSequence}, and only the leader (or an exclusive action) switches memtables.</li>
 *   <li>A reader takes the snapshot, then the {@link Memtables}, then pins the version. A flush installs the
 *       version holding the new table before it drops the frozen memtable, so a reader that missed the
 *       memtable sees the table; one that sees both reads the same entries twice, which is harmless.</li>
 *   <li>Two background threads: the flusher and the compactor ({@link BackgroundWorker}). A flush holds
 *       {@link #maintenance} throughout; a compaction holds {@link #compactionLock} throughout and
 *       {@link #maintenance} only to log its edit ({@link #installCompaction}), so a long compaction never
 *       holds up a flush, and writers never wait for one. A restore takes both (that order, as the compactor
 *       does), so it never meets either half done. Removed tables are deleted once no pinned version holds
 *       them. A reader whose snapshot is older than a compaction installed after it took the snapshot takes a
 *       fresh one ({@link #compactionHorizon}).</li>
 *   <li>A failed log append or fsync, or a failed flush, fails the engine: every later write throws
 *       {@link StorageException} until a reopen replays the logs. Reads go on working.</li>
 * </ul>
 */
public final class LsmEngine implements StorageEngine {

    private static final Logger log = LoggerFactory.getLogger(LsmEngine.class);

    /** What a read answers when its snapshot is older than a compaction installed meanwhile: try again. */
    private static final InternalEntry STALE = InternalEntry.delete(new byte[]{0}, 0, 0, 0);

    /** Entries per log record when a restore loads a checkpoint. */
    private static final int RESTORE_CHUNK = 1024;

    /** The snapshot readers take: the last published sequence and the applied revision as of it. */
    private record ReadPoint(long sequence, long appliedRevision) {
    }

    private final Path dir;
    private final LsmOptions options;
    private final FileOps fileOps;
    private final Limits limits;
    private final InstantSource clock;
    private final BlockCache blockCache;
    private final TableCache tables;
    private final WriteThrottle throttle;
    private final WriteQueue writeQueue = new WriteQueue();
    private final ReentrantLock maintenance = new ReentrantLock();
    /** Held by the compactor for a whole compaction, and by a restore; taken before {@link #maintenance}. */
    private final ReentrantLock compactionLock = new ReentrantLock();
    /** Guards changes of {@link #memtables} and signals flush progress to writers and {@link #flush()}. */
    private final Object flushMonitor = new Object();
    private final BackgroundWorker flusher;
    private final BackgroundWorker compactor;
    private final AtomicLong flushBytes = new AtomicLong();
    private final AtomicLong compactionBytes = new AtomicLong();
    private final AtomicLong compactions = new AtomicLong();
    /** Tables removed from the current version whose files wait for the last pin on them to go. */
    private final Set<Long> obsoleteTables = new HashSet<>();

    private volatile Manifest manifest;
    private volatile Memtables memtables;
    private volatile ReadPoint visible;
    private volatile StorageException failure;
    private volatile boolean closed;
    /** True from the start of a restore until it succeeds: reads see nothing rather than a partial state. */
    private volatile boolean restoring;
    private final CompactionPicker compactionPicker;
    private final CompactionJob compactionJob;
    private final CompactionStats compactionStats = new CompactionStats();
    /** Per level, the last key compacted: the next compaction of that level starts after it. Compactor only. */
    private final byte[][] compactPointers = new byte[Version.LEVELS][];
    /**
     * The highest snapshot any installed compaction dropped versions below: a reader whose snapshot is older
     * may miss a version it should see in a version installed since, so it takes a fresh snapshot instead
     * (docs/lsm.md, "Compaction"). Raised before the compaction's version is installed.
     */
    private volatile long compactionHorizon;

    // Written only by the head of the write queue (volatile for stats(), which reads its position).
    private volatile WalWriter wal;
    // Owned by the head of the write queue.
    private long nextSequence;

    private LsmEngine(Path dir, LsmOptions options) {
        this.dir = dir;
        this.options = options;
        this.fileOps = options.engine().fileOps();
        this.limits = options.engine().limits();
        this.clock = options.engine().clock();
        this.blockCache = new BlockCache(options.blockCacheBytes());
        this.tables = new TableCache(dir, fileOps, blockCache);
        this.throttle = new WriteThrottle(options);
        this.compactionPicker = new CompactionPicker(options.compaction());
        this.compactionJob = new CompactionJob(fileOps, dir, options.compaction(), options.tableOptions(),
                () -> manifest.versions().newFileNumber());
        recover();
        this.flusher = new BackgroundWorker("lsm-flush-" + dir.getFileName(), this::flushOldest);
        this.compactor = new BackgroundWorker("lsm-compact-" + dir.getFileName(), this::compactOnce);
        compactor.wake(); // the tree as opened may need it
    }

    /**
     * Opens (creating if needed) the engine in {@code dir}, replaying its logs.
     *
     * @throws io.corecache.engine.CorruptionException if a log, the manifest or a table is damaged
     * @throws StorageException                         if the directory cannot be read or written
     */
    public static LsmEngine open(Path dir, LsmOptions options) {
        return new LsmEngine(dir, options);
    }

    // ------------------------------------------------------------------------------------------- recovery

    /** Replays the logs, flushes what they held to level 0 and starts a fresh log. */
    private void recover() {
        LsmRecovery.Result recovered = LsmRecovery.run(dir, fileOps);
        manifest = recovered.manifest();
        try {
            VersionSet versions = manifest.versions();
            for (int level = 0; level < Version.LEVELS; level++) {
                for (TableFile table : versions.current().files(level)) {
                    tables.reader(table); // verifies footer, index and filter now rather than at a first read
                }
            }
            // A log created after the last manifest edit has a number the manifest never recorded as used.
            long logNumber = versions.newFileNumber();
            for (long replayed : recovered.logs()) {
                while (Long.compareUnsigned(logNumber, replayed) <= 0) {
                    logNumber = versions.newFileNumber();
                }
            }
            wal = WalWriter.create(dir.resolve(LsmFiles.wal(logNumber)), options.engine());
            VersionEdit.Builder edit = VersionEdit.builder().logNumber(logNumber)
                    .lastSequence(recovered.lastSequence()).appliedRevision(recovered.appliedRevision());
            if (!recovered.replayed().isEmpty()) {
                TableFile table = LevelZeroWriter.write(fileOps, dir, versions.newFileNumber(), recovered.replayed(),
                        options.tableOptions());
                fileOps.syncDirectory(dir);
                edit.addTable(table);
                flushBytes.addAndGet(table.fileSize());
            }
            manifest.log(edit.build());
            for (long number : recovered.logs()) {
                fileOps.delete(dir.resolve(LsmFiles.wal(number)));
            }
            memtables = Memtables.fresh(logNumber, options.memtableBytes());
            nextSequence = recovered.lastSequence() + 1;
            visible = new ReadPoint(recovered.lastSequence(), recovered.appliedRevision());
        } catch (IOException | RuntimeException e) {
            closeQuietly(e);
            if (e instanceof IOException io) {
                throw new StorageException("cannot open " + dir + ": " + io.getMessage(), io);
            }
            throw (RuntimeException) e;
        }
    }

    private void closeQuietly(Exception cause) {
        for (AutoCloseable resource : new AutoCloseable[] {wal, tables, manifest}) {
            if (resource == null) {
                continue;
            }
            try {
                resource.close();
            } catch (Exception e) {
                cause.addSuppressed(e);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- reads

    @Override
    public Versioned get(byte[] key) {
        limits.checkKey(key);
        checkOpen();
        if (restoring) {
            return null;
        }
        long now = clock.millis();
        InternalEntry newest;
        do {
            long snapshot = visible.sequence();
            snapshotTaken();
            newest = newest(key, snapshot);
        } while (newest == STALE);
        Versioned version = newest == null ? null : newest.toVersioned();
        return version == null || version.isExpiredAt(now) ? null : version;
    }

    /**
     * The newest version of {@code key} at or below {@code snapshot}, tombstones included, or null; or
     * {@link #STALE} when a compaction installed since the snapshot was taken may have dropped what it sees.
     */
    private InternalEntry newest(byte[] key, long snapshot) {
        long keyHash = BloomFilter.hash(key); // once for every memtable's and table's filter
        for (Memtable memtable : memtables.newestFirst()) {
            InternalEntry entry = memtable.get(key, keyHash, snapshot);
            if (entry != null) {
                return entry;
            }
        }
        VersionSet.Pin pin = manifest.versions().pin();
        try {
            if (compactionHorizon > snapshot) {
                return STALE;
            }
            Version version = pin.version();
            for (int level = 0; level < Version.LEVELS; level++) {
                for (TableFile table : version.tablesForKey(level, key)) {
                    InternalEntry entry = tables.reader(table).get(key, keyHash, snapshot);
                    if (entry != null) {
                        return entry;
                    }
                }
            }
            return null;
        } finally {
            release(pin);
        }
    }

    @Override
    public RangeCursor scan(byte[] start, byte[] end, int limit) {
        checkOpen();
        if (limit < 0) {
            throw new InvalidArgumentException("bad_limit", "scan limit must not be negative, got " + limit);
        }
        if (restoring) {
            return new LsmCursor(List.<Entry>of().iterator(), 0, () -> { });
        }
        return scanAsOf(start, end, limit, clock.millis());
    }

    /** A scan that decides expiry at {@code now}; at 0 nothing has expired, so expired versions show too. */
    private RangeCursor scanAsOf(byte[] start, byte[] end, int limit, long now) {
        RangeCursor cursor;
        do {
            long snapshot = visible.sequence();
            snapshotTaken();
            cursor = scanAt(snapshot, start, end, limit, now);
        } while (cursor == null);
        return cursor;
    }

    @Override
    public ExpiredKeys expiredKeys(byte[] start, int budget, long now) {
        checkOpen();
        List<byte[]> expired = new ArrayList<>();
        if (restoring) {
            return new ExpiredKeys(expired, null);
        }
        byte[] last = null;
        int examined = 0;
        try (RangeCursor cursor = scanAsOf(start, null, budget, 0)) {
            while (cursor.hasNext()) {
                Entry entry = cursor.next();
                examined++;
                last = entry.key();
                if (entry.version().isExpiredAt(now)) {
                    expired.add(last);
                }
            }
        }
        return new ExpiredKeys(expired, examined < budget || last == null ? null : Arrays.copyOf(last, last.length + 1));
    }

    /** A cursor at {@code snapshot}, or null when a compaction installed since then makes it stale. */
    private RangeCursor scanAt(long snapshot, byte[] start, byte[] end, int limit, long now) {
        byte[] from = start == null || start.length == 0 ? null : start;
        List<Iterator<InternalEntry>> sources = new ArrayList<>();
        for (Memtable memtable : memtables.newestFirst()) {
            sources.add(memtable.iterator(from, snapshot));
        }
        VersionSet.Pin pin = manifest.versions().pin();
        try {
            if (compactionHorizon > snapshot) {
                release(pin);
                return null;
            }
            Version version = pin.version();
            for (int level = 0; level < Version.LEVELS; level++) {
                for (TableFile table : version.overlapping(level, from, end)) {
                    SstableReader reader = tables.reader(table);
                    sources.add(from == null ? reader.iterator() : reader.iterator(from, BlockBuilder.MAX_SEQUENCE));
                }
            }
            VisibleEntries entries = new VisibleEntries(new MergingIterator(sources), snapshot, end, now);
            return new LsmCursor(entries, limit, () -> release(pin));
        } catch (RuntimeException e) {
            release(pin);
            throw e;
        }
    }

    /** Releases a pin; tables it was the last to hold are deleted now. */
    private void release(VersionSet.Pin pin) {
        pin.close();
        boolean pending;
        synchronized (obsoleteTables) {
            pending = !obsoleteTables.isEmpty();
        }
        if (pending) {
            deleteObsoleteTables();
        }
    }

    // --------------------------------------------------------------------------------------------- writes

    @Override
    public void put(byte[] key, byte[] value, long revision, long expiresAt) {
        limits.checkKey(key);
        limits.checkValue(value);
        limits.checkExpiry(expiresAt);
        checkRevision(revision);
        submit(LsmWrite.put(key, value, revision, expiresAt));
    }

    @Override
    public void delete(byte[] key, long revision) {
        limits.checkKey(key);
        checkRevision(revision);
        submit(LsmWrite.delete(key, revision));
    }

    @Override
    public void write(WriteBatch batch) {
        checkRevision(batch.revision());
        limits.check(batch);
        submit(LsmWrite.of(batch));
    }

    private void submit(LsmWrite write) {
        checkWritable();
        writeQueue.write(write, this::applyGroup);
    }

    /**
     * Applies a group of writes, as the head of the write queue: room in the memtable, sequences and times,
     * one log record per write, one fsync for the group, the memtable, then the new snapshot.
     */
    private void applyGroup(List<LsmWrite> group) {
        checkWritable();
        makeRoomForWrite();
        long now = clock.millis();
        long sequence = nextSequence;
        long appliedRevision = visible.appliedRevision();
        int opCount = 0;
        for (LsmWrite write : group) {
            opCount += write.ops().size();
        }
        // Keys written earlier in this group, for create times; a lone put (the common case) needs no map.
        Map<ByteBuffer, InternalEntry> written = opCount > 1 ? new HashMap<>() : null;
        List<InternalEntry> entries = new ArrayList<>(opCount);
        long position = 0;
        try {
            for (LsmWrite write : group) {
                List<InternalEntry> record = new ArrayList<>(write.ops().size());
                for (LsmWrite.Op op : write.ops()) {
                    long writeTime = op.writeTime() == LsmWrite.UNSET ? now : op.writeTime();
                    InternalEntry entry;
                    if (op.isDelete()) {
                        entry = InternalEntry.delete(op.key(), sequence++, op.revision(), writeTime);
                    } else {
                        long createTime = op.createTime() != LsmWrite.UNSET ? op.createTime()
                                : liveCreateTime(op.key(), written, now);
                        entry = InternalEntry.put(op.key(), sequence++, op.value(), op.revision(),
                                createTime == LsmWrite.UNSET ? now : createTime, writeTime, op.expiresAt());
                    }
                    if (written != null) {
                        written.put(ByteBuffer.wrap(op.key()), entry);
                    }
                    record.add(entry);
                }
                position = wal.append(new WalRecord(write.revision(), record));
                entries.addAll(record);
                appliedRevision = Math.max(appliedRevision, write.revision());
            }
            if (options.engine().durability() == Durability.SYNC) {
                wal.syncUpTo(position);
            }
        } catch (StorageException e) {
            throw fail("cannot write to the write-ahead log", e);
        }
        Memtable active = memtables.active();
        for (InternalEntry entry : entries) {
            active.add(entry);
        }
        nextSequence = sequence;
        visible = new ReadPoint(sequence - 1, appliedRevision);
    }

    /**
     * The create time a new version of {@code key} keeps: that of its live current version (earlier in
     * this group ({@code written}, null for a group of one write), else in the memtables or tables), or
     * {@link LsmWrite#UNSET} if the key is absent,
     * deleted or expired at {@code now}.
     */
    private long liveCreateTime(byte[] key, Map<ByteBuffer, InternalEntry> written, long now) {
        InternalEntry current = written == null ? null : written.get(ByteBuffer.wrap(key));
        if (current == null) {
            current = newest(key, Long.MAX_VALUE);
        }
        Versioned version = current == null ? null : current.toVersioned();
        return version == null || version.isExpiredAt(now) ? LsmWrite.UNSET : version.createTime();
    }

    /**
     * Before a group: a short pause if flushes (or compaction) fall behind; a new memtable if the active one
     * is full, waiting for a flush first only when no immutable slot is free.
     */
    private void makeRoomForWrite() {
        boolean paused = false;
        while (true) {
            checkWritable();
            Memtables now = memtables;
            int level0 = manifest.versions().current().files(0).size();
            if (!paused) {
                paused = true;
                long pause = throttle.pauseNanos(now.immutables().size(), level0);
                if (pause > 0) {
                    LockSupport.parkNanos(pause);
                    continue;
                }
            }
            if (now.active().approximateBytes() < options.memtableBytes()) {
                return;
            }
            if (throttle.mustWait(now.immutables().size(), level0)) {
                flusher.wake();
                compactor.wake();
                synchronized (flushMonitor) {
                    if (memtables == now && failure == null && !closed) {
                        waitForFlush();
                    }
                }
                continue;
            }
            switchMemtable();
            return;
        }
    }

    /**
     * Freezes the active memtable and starts a new one with a new log; the flusher takes it from there.
     * Caller is the head of the write queue. The old log is closed (so fsynced) first: a frozen memtable's
     * log is complete on disk, whatever the durability mode.
     */
    private void switchMemtable() {
        try {
            long logNumber = manifest.versions().newFileNumber();
            WalWriter next = WalWriter.create(dir.resolve(LsmFiles.wal(logNumber)), options.engine());
            try {
                wal.close(); // fsyncs it, before the new log is published: sync() relies on that order
            } catch (StorageException e) {
                next.close();
                throw e;
            }
            wal = next;
            synchronized (flushMonitor) {
                memtables = memtables.switchTo(logNumber, nextSequence - 1, visible.appliedRevision(),
                        new Memtable(options.memtableBytes()));
                flushMonitor.notifyAll();
            }
        } catch (StorageException e) {
            throw fail("cannot start a new memtable and write-ahead log", e);
        }
        flusher.wake();
    }

    private void waitForFlush() {
        try {
            flushMonitor.wait(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted while waiting for a flush");
        }
    }

    // ---------------------------------------------------------------------------------------------- flush

    /**
     * Writes the active memtable to a level-0 table and returns once it is there (every earlier frozen
     * memtable too). Writers carry on meanwhile, into a new memtable.
     */
    public void flush() {
        checkOpen();
        long frozenLog = writeQueue.exclusive(this::switchIfNotEmpty);
        awaitFlushed(frozenLog);
    }

    /**
     * {@link #flush()}, then runs every compaction the tree asks for now (level 0 past its trigger, a level
     * past its target size) on this thread, after any the compactor is running, and returns once none is
     * left: the settled shape a benchmark reads from.
     */
    public void flushAndCompact() {
        flush();
        while (compactOnce()) {
            // the next compaction, if any
        }
        checkWritable();
    }

    /** Freezes the active memtable if it holds anything; returns the log of the newest frozen memtable, or -1. */
    private long switchIfNotEmpty() {
        checkWritable();
        if (!memtables.active().isEmpty()) {
            switchMemtable();
        }
        List<Memtables.Frozen> frozen = memtables.immutables();
        return frozen.isEmpty() ? -1 : frozen.get(frozen.size() - 1).log();
    }

    /** Waits until no frozen memtable with a log number up to {@code log} is left. */
    private void awaitFlushed(long log) {
        if (log < 0) {
            return;
        }
        flusher.wake();
        synchronized (flushMonitor) {
            while (true) {
                checkWritable();
                if (closed) {
                    throw new StorageException("LSM engine in " + dir + " closed while flushing");
                }
                List<Memtables.Frozen> frozen = memtables.immutables();
                if (frozen.isEmpty() || frozen.get(0).log() > log) {
                    return;
                }
                waitForFlush();
            }
        }
    }

    /**
     * The flusher's step: writes the oldest frozen memtable to a level-0 table, makes it durable, logs it
     * in the manifest with the next log still needed, drops the memtable and deletes its log. Returns
     * whether it flushed one (there may be more). A failure fails the engine (its writes are safe in the
     * logs, replayed on reopen).
     */
    private boolean flushOldest() {
        maintenance.lock();
        try {
            Memtables now = memtables;
            if (closed || failure != null || now.immutables().isEmpty()) {
                return false;
            }
            Memtables.Frozen oldest = now.immutables().get(0);
            VersionSet versions = manifest.versions();
            VersionEdit.Builder edit = VersionEdit.builder()
                    .lastSequence(oldest.lastSequence())
                    .appliedRevision(oldest.appliedRevision());
            TableFile table = null;
            if (!oldest.memtable().isEmpty()) {
                table = LevelZeroWriter.write(fileOps, dir, versions.newFileNumber(), oldest.memtable(),
                        options.tableOptions());
                fileOps.syncDirectory(dir);
                edit.addTable(table);
            }
            synchronized (flushMonitor) {
                // Read under the monitor: a switch may have added memtables since.
                edit.logNumber(memtables.logAfterOldest());
            }
            manifest.log(edit.build());
            if (table != null) {
                flushBytes.addAndGet(table.fileSize());
            }
            synchronized (flushMonitor) {
                memtables = memtables.withoutOldest();
                flushMonitor.notifyAll();
            }
            deleteFlushedLog(oldest.log());
            compactor.wake();
            return true;
        } catch (IOException | RuntimeException e) {
            StorageException error = e instanceof StorageException s ? s
                    : new StorageException("flush failed in " + dir + ": " + e.getMessage(), e);
            fail("a flush failed", error);
            log.error("{}: flush failed; the engine takes no more writes until it is reopened: {}", dir, e.toString());
            synchronized (flushMonitor) {
                flushMonitor.notifyAll();
            }
            return false;
        } finally {
            maintenance.unlock();
        }
    }

    /** Deletes a log whose writes are in a table now; if that fails, the next open deletes it (below logNumber). */
    private void deleteFlushedLog(long number) {
        try {
            fileOps.delete(dir.resolve(LsmFiles.wal(number)));
        } catch (IOException e) {
            log.warn("{}: cannot delete flushed write-ahead log {} (deleted at the next open): {}", dir, number,
                    e.toString());
        }
    }

    // ------------------------------------------------------------------------------ compaction (the seam)

    /**
     * The compactor's step: runs one compaction if the tree needs one and returns whether it did (there
     * may be more). Holds {@link #compactionLock} throughout but {@link #maintenance} only to install, so
     * flushes go on meanwhile: they only add level-0 tables, newer than anything compacted, and leave alone
     * the tables a compaction reads and the deeper levels it asks whether a tombstone may go. Versions
     * newer than the oldest snapshot are kept: that is the visible sequence at the start, since a reader
     * with an older one retries ({@link #compactionHorizon}). A failure fails the engine, as a failed
     * flush does: what the disk holds is unknown until a reopen looks.
     */
    private boolean compactOnce() {
        compactionLock.lock();
        try {
            if (closed || restoring || failure != null) {
                return false;
            }
            Version current = manifest.versions().current();
            Optional<Compaction> picked = compactionPicker.pick(current, compactPointers);
            if (picked.isEmpty()) {
                return false;
            }
            Compaction compaction = picked.get();
            long horizon = visible.sequence();
            CompactionJob.Result result = compactionJob.run(compaction, current, horizon, clock.millis());
            maintenance.lock();
            try {
                compactionHorizon = Math.max(compactionHorizon, horizon);
                installCompaction(result.edit(), result.bytesWritten());
            } finally {
                maintenance.unlock();
            }
            compactPointers[compaction.level()] = compaction.nextCompactPointer();
            compactionStats.record(result);
            synchronized (flushMonitor) {
                flushMonitor.notifyAll(); // writers waiting for level 0 to shrink
            }
            return true;
        } catch (RuntimeException e) {
            StorageException error = e instanceof StorageException s ? s
                    : new StorageException("compaction failed in " + dir + ": " + e.getMessage(), e);
            fail("a compaction failed", error);
            log.error("{}: compaction failed; the engine takes no more writes until it is reopened: {}", dir,
                    e.toString());
            synchronized (flushMonitor) {
                flushMonitor.notifyAll();
            }
            return false;
        } finally {
            compactionLock.unlock();
        }
    }

    /**
     * Logs a compaction's edit (tables removed and added), makes it current, counts its output bytes, and
     * deletes the removed tables once no pinned version holds them. Caller holds {@link #maintenance} (the
     * compactor does, in {@link #compactOnce}) and has fsynced the outputs and the directory.
     *
     * @return the new current version
     */
    Version installCompaction(VersionEdit edit, long bytesWritten) {
        Version version = manifest.log(edit);
        compactionBytes.addAndGet(bytesWritten);
        compactions.incrementAndGet();
        synchronized (obsoleteTables) {
            for (VersionEdit.RemovedTable removed : edit.removed()) {
                obsoleteTables.add(removed.number());
            }
        }
        deleteObsoleteTables();
        return version;
    }

    /** Closes and deletes obsolete tables no version holds any more. */
    private void deleteObsoleteTables() {
        synchronized (obsoleteTables) {
            Set<Long> live = manifest.versions().liveTableNumbers();
            Iterator<Long> it = obsoleteTables.iterator();
            while (it.hasNext()) {
                long number = it.next();
                if (live.contains(number)) {
                    continue;
                }
                tables.evict(number);
                try {
                    fileOps.delete(dir.resolve(LsmFiles.sst(number)));
                } catch (IOException e) {
                    log.warn("{}: cannot delete obsolete table {} (deleted at the next open): {}", dir, number,
                            e.toString());
                }
                it.remove();
            }
        }
    }

    // -------------------------------------------------------------------------------------- durability

    /**
     * Makes every write acknowledged so far durable. It does not queue behind writers: logs older than the
     * current one were fsynced when they were closed, which happens before the next one is published
     * ({@link #switchMemtable}), so fsyncing the current log up to its end is enough.
     */
    @Override
    public void sync() {
        checkWritable();
        try {
            wal.syncAppended();
        } catch (StorageException e) {
            throw fail("cannot fsync the write-ahead log", e);
        }
    }

    @Override
    public long appliedRevision() {
        checkOpen();
        return visible.appliedRevision();
    }

    // ------------------------------------------------------------------------------ checkpoint and restore

    @Override
    public long checkpoint(OutputStream out) {
        checkOpen();
        ReadPoint point;
        RangeCursor snapshot;
        do {
            point = visible;
            snapshot = restoring ? scan(null, null, 0) : scanAt(point.sequence(), null, null, Integer.MAX_VALUE, clock.millis());
        } while (snapshot == null);
        CheckpointWriter writer = new CheckpointWriter(out);
        try (RangeCursor cursor = snapshot) {
            while (cursor.hasNext()) {
                writer.write(cursor.next());
            }
        }
        writer.finish(point.appliedRevision());
        return point.appliedRevision();
    }

    /**
     * Replaces everything with the checkpoint's contents. A {@code RESTORING} marker is made durable first
     * and removed last: a crash in between reopens empty ({@link LsmRecovery}). Runs at the head of the
     * write queue, so no write interleaves; readers see nothing until it has succeeded. A failed restore
     * leaves the engine empty and failed until reopened (which discards what was loaded).
     */
    @Override
    public long restore(InputStream in) {
        checkOpen();
        checkWritable();
        return writeQueue.exclusive(() -> {
            restoring = true;
            try {
                startAfresh();
                long revision = load(new CheckpointReader(in));
                restoring = false;
                return revision;
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = new StorageException("restore failed: " + e.getMessage(), e);
                }
                throw e;
            }
        });
    }

    /** Marks the restore, then deletes every table, log and manifest and starts an empty directory. */
    private void startAfresh() {
        compactionLock.lock();
        maintenance.lock();
        try {
            Path marker = dir.resolve(LsmRecovery.RESTORING);
            fileOps.create(marker).close();
            fileOps.syncDirectory(dir);
            wal.close();
            tables.close();
            manifest.close();
            LsmRecovery.wipeTablesLogsAndManifests(dir, fileOps);
            manifest = Manifest.create(dir, fileOps, LsmRecovery.emptyState());
            long logNumber = manifest.versions().newFileNumber();
            wal = WalWriter.create(dir.resolve(LsmFiles.wal(logNumber)), options.engine());
            synchronized (flushMonitor) {
                memtables = Memtables.fresh(logNumber, options.memtableBytes());
                flushMonitor.notifyAll();
            }
            synchronized (obsoleteTables) {
                obsoleteTables.clear();
            }
            nextSequence = 1;
            visible = new ReadPoint(0, 0);
            // Sequences start again at 1: a horizon left from compactions before the restore would make
            // every later read that reaches a table look stale, and retry forever (LsmSnapshotRetryTest).
            compactionHorizon = 0;
        } catch (IOException e) {
            throw new StorageException("cannot start restoring into " + dir + ": " + e.getMessage(), e);
        } finally {
            maintenance.unlock();
            compactionLock.unlock();
        }
    }

    /** Writes the checkpoint's entries through the write path, flushes them and removes the marker. */
    private long load(CheckpointReader reader) {
        List<LsmWrite.Op> chunk = new ArrayList<>();
        for (Entry entry = reader.next(); entry != null; entry = reader.next()) {
            Versioned v = entry.version();
            limits.checkKey(entry.key());
            limits.checkValue(v.value());
            chunk.add(new LsmWrite.Op(entry.key(), v.value(), v.expiresAt(), v.revision(), v.createTime(),
                    v.writeTime()));
            if (chunk.size() == RESTORE_CHUNK) {
                applyGroup(List.of(new LsmWrite(0, chunk)));
                chunk = new ArrayList<>();
            }
        }
        applyGroup(List.of(new LsmWrite(reader.revision(), chunk)));
        awaitFlushed(switchIfNotEmpty());
        try {
            wal.syncUpTo(wal.position());
            fileOps.delete(dir.resolve(LsmRecovery.RESTORING));
            fileOps.syncDirectory(dir);
        } catch (IOException e) {
            throw fail("cannot finish restoring into " + dir, new StorageException(e.getMessage(), e));
        }
        return reader.revision();
    }

    // ------------------------------------------------------------------------------------ stats and close

    /**
     * {@code liveKeys} is an estimate: every put in the memtables plus, per table, its entries minus its
     * tombstones; overwritten and deleted versions not yet compacted away count too. {@code deadBytes} is
     * not measured yet (0). {@code files} counts tables.
     */
    @Override
    public EngineStats stats() {
        checkOpen();
        long liveKeys = 0;
        for (Memtable memtable : memtables.newestFirst()) {
            liveKeys += memtable.entryCount();
        }
        long diskBytes = manifest.size() + wal.position();
        int files = 0;
        VersionSet.Pin pin = manifest.versions().pin();
        try {
            for (int level = 0; level < Version.LEVELS; level++) {
                for (TableFile table : pin.version().files(level)) {
                    TableSummary summary = tables.reader(table).summary();
                    liveKeys += summary.entries() - summary.deletes();
                    diskBytes += table.fileSize();
                    files++;
                }
            }
        } finally {
            release(pin);
        }
        return new EngineStats(liveKeys, diskBytes, 0, files, compactions.get(), 0, visible.appliedRevision());
    }

    /** Write amplification, the shape of the tree and the block cache's work. */
    public LsmStats lsmStats() {
        checkOpen();
        Version version = manifest.versions().current();
        long[] levelBytes = new long[Version.LEVELS];
        int[] levelFiles = new int[Version.LEVELS];
        for (int level = 0; level < Version.LEVELS; level++) {
            levelBytes[level] = version.levelBytes(level);
            levelFiles[level] = version.files(level).size();
        }
        return new LsmStats(flushBytes.get(), compactionBytes.get(), levelBytes, levelFiles,
                memtables.immutables().size(), blockCache.hits(), blockCache.misses());
    }

    /**
     * Stops the flusher and the compactor (letting a flush or compaction in progress finish), fsyncs the log
     * and closes tables and the manifest. Frozen memtables not yet flushed stay in their logs, replayed at
     * the next open.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        List<Exception> errors = new ArrayList<>();
        writeQueue.exclusive(() -> {
            closed = true;
            synchronized (flushMonitor) {
                flushMonitor.notifyAll();
            }
            return null;
        });
        flusher.close();
        compactor.close();
        for (AutoCloseable resource : new AutoCloseable[] {wal, tables, manifest}) {
            try {
                resource.close();
            } catch (Exception e) {
                errors.add(e);
            }
        }
        if (!errors.isEmpty() && failure == null) {
            StorageException error = new StorageException("cannot close the LSM engine in " + dir + ": "
                    + errors.get(0).getMessage(), errors.get(0));
            errors.subList(1, errors.size()).forEach(error::addSuppressed);
            throw error;
        }
    }

    // ------------------------------------------------------------------------------------------ for tests

    /**
     * Runs between a read taking its snapshot and looking it up, so a test can install a compaction in that
     * window and check the stale-snapshot retry ({@link #compactionHorizon}) deterministically
     * (LsmSnapshotRetryTest). Null outside tests. Set and run on the reading thread only, hence not volatile.
     */
    Runnable snapshotTakenHook;

    private void snapshotTaken() {
        Runnable hook = snapshotTakenHook;
        if (hook != null) {
            hook.run();
        }
    }

    /** Data blocks read from table files (not the cache) by every open table. */
    long dataBlocksRead() {
        long total = 0;
        for (SstableReader reader : tableReaders()) {
            total += reader.blocksRead();
        }
        return total;
    }

    /** The open readers of the current version's tables. */
    List<SstableReader> tableReaders() {
        List<SstableReader> readers = new ArrayList<>();
        Version version = manifest.versions().current();
        for (int level = 0; level < Version.LEVELS; level++) {
            for (TableFile table : version.files(level)) {
                readers.add(tables.reader(table));
            }
        }
        return readers;
    }

    Path dir() {
        return dir;
    }

    // -------------------------------------------------------------------------------------------- checks

    private void checkOpen() {
        if (closed) {
            throw new StorageException("the LSM engine in " + dir + " is closed");
        }
    }

    private void checkWritable() {
        checkOpen();
        StorageException failed = failure;
        if (failed != null) {
            throw new StorageException("the LSM engine in " + dir + " failed and takes no writes until reopened: "
                    + failed.getMessage(), failed);
        }
    }

    /** Fails the engine (the first failure is kept) and returns the exception to throw. */
    private StorageException fail(String what, StorageException cause) {
        StorageException e = new StorageException(what + " in " + dir + ": " + cause.getMessage(), cause);
        synchronized (this) {
            if (failure == null) {
                failure = e;
            }
        }
        return e;
    }

    private static void checkRevision(long revision) {
        if (revision < 0) {
            throw new InvalidArgumentException("bad_revision", "revision must not be negative, got " + revision);
        }
    }
}
