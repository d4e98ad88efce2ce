package io.corecache.engine.bitcask;

import io.corecache.engine.CorruptionException;
import io.corecache.engine.EngineStats;
import io.corecache.engine.ExpiredKeys;
import io.corecache.engine.Entry;
import io.corecache.engine.FileHandle;
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

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The Bitcask storage engine: append-only data files, an in-memory ordered key directory, hint files and
 * background merging. See the package documentation and docs/formats.md.
 *
 * <p>Implementation notes: one lock orders every change to the key directory and the file table (writes,
 * merge relocations, rollovers, snapshots), but no disk I/O that a reader waits for happens under it:
 * writers append outside it (see {@link GroupCommitWriter}), the merge copies outside it, and readers
 * never take it. A reader that raced with a merge and finds its file retired looks the key up again; the
 * merge moved the key before it retired the file.
 */
public final class BitcaskEngine implements StorageEngine {

    private static final Logger log = LoggerFactory.getLogger(BitcaskEngine.class);
    /** A single batch is capped so file offsets stay within 32 bits (files are at most 1 GiB). */
    static final long MAX_BATCH_BYTES = 256L << 20;
    private static final int READ_RETRIES = 1000;
    private static final int RESTORE_CHUNK = 1024;

    private final Path dir;
    private final BitcaskOptions options;
    private final FileOps fileOps;
    private final Limits limits;
    private final ReentrantLock lock = new ReentrantLock();
    private final FileTable files = new FileTable();
    private volatile KeyDir keyDir = new KeyDir();
    private final ScheduledExecutorService background;
    private final Merger merger;
    private volatile GroupCommitWriter writer;
    private volatile long appliedRevision;
    private volatile StorageException failure;
    private volatile boolean closed;
    final AtomicLong merges = new AtomicLong();
    final AtomicLong reclaimedBytes = new AtomicLong();

    private BitcaskEngine(Path dir, BitcaskOptions options) {
        this.dir = dir;
        this.options = options;
        this.fileOps = options.engine().fileOps();
        this.limits = options.engine().limits();
        this.background = Executors.newScheduledThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "bitcask-" + dir.getFileName());
            thread.setDaemon(true);
            return thread;
        });
        this.merger = new Merger(this);
    }

    /** Opens (or creates) the engine in {@code dir}, recovering whatever a crash left there. */
    public static BitcaskEngine open(Path dir, BitcaskOptions options) {
        BitcaskEngine engine = new BitcaskEngine(dir, options);
        try {
            engine.lock.lock();
            try {
                DataFile active = new Recovery(engine).run();
                engine.writer = new GroupCommitWriter(engine, engine.lock, active);
            } finally {
                engine.lock.unlock();
            }
        } catch (IOException e) {
            engine.abandon();
            throw new StorageException("cannot open bitcask engine in " + dir + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            engine.abandon();
            throw e;
        }
        engine.startBackgroundWork();
        return engine;
    }

    /** Undoes a failed open: stops the background threads and closes every file opened so far. */
    private void abandon() {
        background.shutdown();
        try {
            background.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closed = true;
        lock.lock();
        try {
            for (DataFile file : files.all()) {
                files.retire(file);
            }
        } finally {
            lock.unlock();
        }
    }

    private void startBackgroundWork() {
        long syncMillis = options.engine().syncInterval().toMillis();
        if (options.engine().durability() == io.corecache.engine.Durability.INTERVAL) {
            background.scheduleWithFixedDelay(this::backgroundSync, syncMillis, syncMillis, TimeUnit.MILLISECONDS);
        }
        long mergeMillis = options.mergeCheckEvery().toMillis();
        if (mergeMillis > 0) {
            background.scheduleWithFixedDelay(merger::mergeIfWorthIt, mergeMillis, mergeMillis, TimeUnit.MILLISECONDS);
        }
    }

    // ---------------------------------------------------------------------------------------------- reads

    @Override
    public Versioned get(byte[] key) {
        limits.checkKey(key);
        checkOpen();
        for (int attempt = 0; attempt < READ_RETRIES; attempt++) {
            Location location = keyDir.get(key);
            if (location == null) {
                return null;
            }
            DataFile file = files.get(location.file());
            if (file == null || !file.tryRetain()) {
                continue; // retired by a merge that has already moved the key: look again
            }
            DataRecord record;
            try {
                record = readRecord(file, location);
            } finally {
                file.release();
            }
            if (!Arrays.equals(record.key(), key)) {
                throw new CorruptionException(file.path, location.offset(), "record holds a different key");
            }
            return record.version().isExpiredAt(now()) ? null : record.version();
        }
        throw new StorageException("could not read " + io.corecache.engine.Bytes.printable(key)
                + ": its file kept moving (merge storm)");
    }

    /** Reads and verifies the record at {@code location}; the caller has pinned {@code file}. */
    DataRecord readRecord(DataFile file, Location location) {
        ByteBuffer buffer = ByteBuffer.allocate(location.size());
        try {
            file.file.readFully(buffer, location.offset());
        } catch (EOFException e) {
            throw new CorruptionException(file.path, location.offset(), "file ends inside the record");
        } catch (IOException e) {
            throw new StorageException("cannot read " + file.path + " at " + location.offset(), e);
        }
        return DataRecord.parse(buffer, 0, location.size(), file.path, location.offset());
    }

    @Override
    public RangeCursor scan(byte[] start, byte[] end, int limit) {
        // Bounds are not keys: any length compares, so the key limits do not apply to them.
        if (limit < 0) {
            throw new InvalidArgumentException("bad_limit", "limit must not be negative, got " + limit);
        }
        checkOpen();
        return new BitcaskCursor(this, snapshot(start, end, limit), start, end, limit);
    }

    /**
     * Looks at the key directory only, except for keys that have an expiry (the directory marks them): their
     * record is read for its expiry time.
     */
    @Override
    public ExpiredKeys expiredKeys(byte[] start, int budget, long now) {
        checkOpen();
        List<byte[]> expired = new ArrayList<>();
        byte[] last = null;
        int examined = 0;
        Snapshot snapshot = snapshot(start, null, budget);
        try {
            for (KeyDirPage page : snapshot.pages()) {
                int from = 0;
                if (start != null && start.length > 0 && page == snapshot.pages().get(0)) {
                    int index = page.find(start);
                    from = index >= 0 ? index : -index - 1;
                }
                for (int i = from; i < page.count() && examined < budget; i++, examined++) {
                    Location location = page.location(i);
                    last = page.key(i);
                    if (location.expires() && expiredAt(snapshot, location, now)) {
                        expired.add(last);
                    }
                }
            }
        } finally {
            snapshot.release();
        }
        return new ExpiredKeys(expired, examined < budget || last == null ? null : Arrays.copyOf(last, last.length + 1));
    }

    /** A record that cannot be read is not the sweep's to judge: a read reports it; the sweep goes on. */
    private boolean expiredAt(Snapshot snapshot, Location location, long now) {
        for (DataFile file : snapshot.files()) {
            if (file.handle == location.file()) {
                try {
                    return readRecord(file, location).version().isExpiredAt(now);
                } catch (CorruptionException e) {
                    return false;
                }
            }
        }
        return false;
    }

    /** The key-directory pages and pinned files for a scan, taken together under the lock. */
    Snapshot snapshot(byte[] start, byte[] end, int limit) {
        lock.lock();
        try {
            List<DataFile> pinned = files.all();
            pinned.forEach(DataFile::retain);
            return new Snapshot(keyDir.snapshot(start, end, limit), pinned, appliedRevision);
        } finally {
            lock.unlock();
        }
    }

    // --------------------------------------------------------------------------------------------- writes

    @Override
    public void put(byte[] key, byte[] value, long revision, long expiresAt) {
        limits.checkKey(key);
        limits.checkValue(value);
        limits.checkExpiry(expiresAt);
        checkRevision(revision);
        checkOpen();
        writer.write(List.of(Mutation.put(key, value, expiresAt, revision)));
    }

    @Override
    public void delete(byte[] key, long revision) {
        limits.checkKey(key);
        checkRevision(revision);
        checkOpen();
        writer.write(List.of(Mutation.delete(key, revision)));
    }

    @Override
    public void write(WriteBatch batch) {
        limits.check(batch);
        checkRevision(batch.revision());
        checkOpen();
        List<Mutation> mutations = new ArrayList<>(Math.max(1, batch.size()));
        long bytes = 0;
        for (WriteBatch.Op op : batch.ops()) {
            Mutation m = op.isDelete() ? Mutation.delete(op.key(), batch.revision())
                    : Mutation.put(op.key(), op.value(), op.expiresAt(), batch.revision());
            bytes += m.recordSize();
            mutations.add(m);
        }
        if (bytes > MAX_BATCH_BYTES) {
            throw new InvalidArgumentException("batch_too_large",
                    "batch is " + bytes + " bytes; the limit is " + MAX_BATCH_BYTES);
        }
        if (mutations.isEmpty()) {
            mutations.add(Mutation.meta(batch.revision()));
        }
        writer.write(mutations);
    }

    @Override
    public void sync() {
        checkOpen();
        writer.sync();
    }

    @Override
    public long appliedRevision() {
        return appliedRevision;
    }

    /** Runs a merge now (if there are immutable files) and returns when it is done. */
    public void merge() {
        checkOpen();
        merger.merge();
    }

    // ----------------------------------------------------------------------------- checkpoint and restore

    @Override
    public long checkpoint(OutputStream out) {
        checkOpen();
        CheckpointWriter checkpoint = new CheckpointWriter(out);
        Snapshot snapshot = snapshot(null, null, Integer.MAX_VALUE);
        try (BitcaskCursor cursor = new BitcaskCursor(this, snapshot, null, null, Integer.MAX_VALUE)) {
            while (cursor.hasNext()) {
                checkpoint.write(cursor.next());
            }
        }
        checkpoint.finish(snapshot.revision());
        return snapshot.revision();
    }

    @Override
    public long restore(InputStream in) {
        checkOpen();
        synchronized (merger.mutex()) {
            return restoreExclusively(in);
        }
    }

    private long restoreExclusively(InputStream in) {
        Path marker = dir.resolve(FileNames.RESTORING);
        // In turn with the writers, so no group is being appended to a file this deletes.
        writer.inTurn(() -> {
            try {
                fileOps.create(marker).close();
                fileOps.syncDirectory(dir);
                DataFile oldActive = writer.active();
                for (DataFile file : files.all()) {
                    fileOps.delete(dir.resolve(FileNames.hint(file.id)));
                    fileOps.delete(file.path);
                    files.retire(file);
                }
                keyDir = new KeyDir();
                appliedRevision = 0;
                writer.replaceActive(createDataFile(FileNames.generation(oldActive.id) + 1));
            } catch (IOException e) {
                throw fail("cannot start restoring into " + dir, e);
            }
        });
        try {
            return load(new CheckpointReader(in), marker);
        } catch (RuntimeException e) {
            // Never serve a half-loaded state: empty until a reopen (which finds the marker and discards it all).
            lock.lock();
            try {
                keyDir = new KeyDir();
                if (failure == null) {
                    failure = new StorageException("restore failed: " + e.getMessage(), e);
                }
            } finally {
                lock.unlock();
            }
            throw e;
        }
    }

    private long load(CheckpointReader reader, Path marker) {
        List<Mutation> chunk = new ArrayList<>();
        for (Entry entry = reader.next(); entry != null; entry = reader.next()) {
            Versioned v = entry.version();
            limits.checkKey(entry.key());
            limits.checkValue(v.value());
            chunk.add(new Mutation(entry.key(), v.value(), v.expiresAt(), v.revision(), v.createTime(),
                    v.writeTime()));
            if (chunk.size() == RESTORE_CHUNK) {
                writer.write(chunk);
                chunk = new ArrayList<>();
            }
        }
        chunk.add(Mutation.meta(reader.revision()));
        writer.write(chunk);
        try {
            writer.active().file.sync();
            fileOps.delete(marker);
            fileOps.syncDirectory(dir);
        } catch (IOException e) {
            throw fail("cannot finish restoring into " + dir, e);
        }
        return reader.revision();
    }

    // ------------------------------------------------------------------------------------ stats and close

    @Override
    public EngineStats stats() {
        lock.lock();
        try {
            long disk = 0;
            long dead = 0;
            for (DataFile file : files.all()) {
                disk += file.size() + file.hintBytes;
                dead += file.deadBytes();
            }
            return new EngineStats(keyDir.size(), disk, dead, files.count(), merges.get(), reclaimedBytes.get(),
                    appliedRevision);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        merger.stop();
        background.shutdown();
        try {
            background.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (merger.mutex()) { // a merge on a caller's thread finishes (or gives up) first
            closeFiles();
        }
    }

    private void closeFiles() {
        lock.lock();
        try {
            closed = true;
            if (failure == null) {
                writer.active().file.sync();
            }
        } catch (IOException e) {
            throw new StorageException("cannot fsync " + writer.active().path + " on close", e);
        } finally {
            for (DataFile file : files.all()) {
                files.retire(file);
            }
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------- package-private, for collaborators

    BitcaskOptions options() {
        return options;
    }

    Path dir() {
        return dir;
    }

    FileOps fileOps() {
        return fileOps;
    }

    KeyDir keyDir() {
        return keyDir;
    }

    FileTable files() {
        return files;
    }

    ReentrantLock lock() {
        return lock;
    }

    GroupCommitWriter writer() {
        return writer;
    }

    long now() {
        return options.engine().clock().millis();
    }

    /** Whether the record at {@code location} (which has an expiry) has expired. Caller holds the lock. */
    boolean isExpired(Location location, long now) {
        DataFile file = files.get(location.file()); // in the table and under the lock: pinned
        return file != null && readRecord(file, location).version().isExpiredAt(now);
    }

    /** Accounts a record the key directory no longer points to as dead. Caller holds the lock. */
    void forget(Location replaced) {
        if (replaced != null) {
            DataFile file = files.get(replaced.file());
            if (file != null) {
                file.addDead(replaced.size());
            }
        }
    }

    void noteRevision(long revision) {
        if (revision > appliedRevision) {
            appliedRevision = revision;
        }
    }

    /** Creates a new empty data file of the given generation and makes its name durable. */
    DataFile createDataFile(long generation) throws IOException {
        long id = FileNames.id(generation, 0);
        Path path = dir.resolve(FileNames.data(id));
        FileHandle handle = fileOps.create(path);
        fileOps.syncDirectory(dir);
        return files.add(id, path, handle, 0);
    }

    /** A data file just became immutable: write its hint file in the background. */
    void sealed(DataFile file) {
        background.execute(() -> writeHintQuietly(file));
    }

    private void writeHintQuietly(DataFile file) {
        if (!file.tryRetain()) {
            return; // already merged away
        }
        try {
            HintFile.writeFor(file, fileOps, dir, true);
        } catch (IOException | RuntimeException e) {
            log.warn("cannot write the hint file of {}; start-up will read the data file instead", file.path, e);
        } finally {
            file.release();
        }
    }

    void checkWritable() {
        checkOpen();
        if (failure != null) {
            throw new StorageException("engine in " + dir + " refuses writes after an earlier failure; reopen it"
                    + " to recover (" + failure.getMessage() + ")", failure);
        }
    }

    /** Puts the engine in the failed state: nothing more is acknowledged until it is reopened. */
    StorageException fail(String what, Throwable cause) {
        StorageException e = new StorageException(what + ": " + cause.getMessage(), cause);
        if (failure == null) {
            failure = e;
            log.error("bitcask engine in {} failed; writes refused until reopen", dir, e);
        }
        return e;
    }

    private void checkOpen() {
        if (closed) {
            throw new StorageException("engine in " + dir + " is closed");
        }
    }

    private static void checkRevision(long revision) {
        if (revision < 0) {
            throw new InvalidArgumentException("bad_revision", "revision must not be negative, got " + revision);
        }
    }

    private void backgroundSync() {
        try {
            if (failure == null && !closed) {
                writer.sync();
            }
        } catch (RuntimeException e) {
            log.error("background fsync failed in {}", dir, e);
        }
    }
}
