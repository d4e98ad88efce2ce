package io.corecache.engine.lsm;

import io.corecache.engine.Durability;
import io.corecache.engine.EngineOptions;
import io.corecache.engine.FileHandle;
import io.corecache.engine.FileOps;
import io.corecache.engine.StorageException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Appends records to one write-ahead log file and makes them durable, many callers per fsync.
 *
 * <p>The caller appends under its own lock, in sequence order, and gets back the log position after its
 * record. To acknowledge a write durably ({@link Durability#SYNC}) it then calls {@link #syncUpTo} with
 * that position, outside its lock, so that other writers can append meanwhile. With
 * {@link Durability#INTERVAL} a daemon thread fsyncs every {@code syncInterval} when there are unsynced
 * bytes; with {@link Durability#NONE} only {@link #close()} (and explicit {@link #syncUpTo} calls) fsync.
 *
 * <p>Implementation notes (group commit). {@code appended} only grows, and only after the bytes up to it
 * were handed to the file, so an fsync started after reading it covers every record up to it. At most one
 * caller fsyncs at a time (the leader, {@code syncing}); callers arriving meanwhile wait for it to finish,
 * then return if its fsync covered their position, or one of them leads the next fsync, which covers every
 * record appended by then. Under load, one fsync thus acknowledges all the writers that queued behind the
 * previous one. A failed append or fsync fails the writer for good: what reached the disk is unknown (a
 * failed fsync may have dropped the dirty pages), so nothing more may be acknowledged until the log is
 * replayed from disk.
 */
final class WalWriter implements AutoCloseable {

    /** Encoding buffers up to this size are kept for the next append; larger ones are dropped after use. */
    private static final int KEPT_BUFFER_BYTES = 1 << 20;

    private final Path path;
    private final FileHandle file;
    private final ScheduledExecutorService background;

    private final ReentrantLock appendLock = new ReentrantLock();
    private ByteBuffer buffer = ByteBuffer.allocate(1 << 12); // guarded by appendLock
    private boolean closing; // guarded by appendLock
    /** Log position after the last record handed to the file. Written under appendLock. */
    private volatile long appended;

    private final ReentrantLock syncLock = new ReentrantLock();
    private final Condition syncFinished = syncLock.newCondition();
    private boolean syncing; // guarded by syncLock
    /** Every byte before this position is on disk. Written under syncLock. */
    private volatile long synced;
    private volatile boolean closed;
    private volatile StorageException failure;

    private WalWriter(FileHandle file, long size, EngineOptions options) {
        this.path = file.path();
        this.file = file;
        this.appended = size;
        this.synced = size;
        if (options.durability() == Durability.INTERVAL) {
            background = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "wal-sync-" + path.getFileName());
                thread.setDaemon(true);
                return thread;
            });
            long every = options.syncInterval().toNanos();
            background.scheduleWithFixedDelay(this::backgroundSync, every, every, TimeUnit.NANOSECONDS);
        } else {
            background = null;
        }
    }

    /**
     * Creates a new, empty log file and makes its name durable (a directory fsync), so records fsynced
     * into it survive a crash along with the file.
     */
    static WalWriter create(Path file, EngineOptions options) {
        FileOps fileOps = options.fileOps();
        FileHandle handle;
        try {
            handle = fileOps.create(file);
        } catch (IOException e) {
            throw new StorageException("cannot create write-ahead log " + file + ": " + e.getMessage(), e);
        }
        try {
            fileOps.syncDirectory(file.getParent());
        } catch (IOException e) {
            closeQuietly(handle);
            throw new StorageException("cannot make write-ahead log " + file + " durable: " + e.getMessage(), e);
        }
        return new WalWriter(handle, 0, options);
    }

    /**
     * Opens an existing log file to append to its end. The file must end at a record boundary: replay it
     * first and cut any torn tail or zero-filled end ({@link WalReader#truncate}).
     */
    static WalWriter open(Path file, EngineOptions options) {
        FileHandle handle = null;
        try {
            handle = options.fileOps().openAppend(file);
            return new WalWriter(handle, handle.size(), options);
        } catch (IOException e) {
            if (handle != null) {
                closeQuietly(handle);
            }
            throw new StorageException("cannot open write-ahead log " + file + ": " + e.getMessage(), e);
        }
    }

    Path path() {
        return path;
    }

    /** The log position after the last record appended: the file's length in records. */
    long position() {
        return appended;
    }

    /** Every record ending at or before this position is on disk. */
    long syncedPosition() {
        return synced;
    }

    /**
     * Appends the record (no fsync) and returns the log position after it, to pass to {@link #syncUpTo}.
     *
     * @throws IllegalArgumentException if the record is too large for the format (nothing is written)
     * @throws StorageException         if the writer is closed or failed, or the append fails (which fails it)
     */
    long append(WalRecord record) {
        long size = WalFormat.frameSize(record);
        appendLock.lock();
        try {
            checkUsable();
            if (closing) {
                throw new StorageException("write-ahead log " + path + " is closed");
            }
            ByteBuffer frame = bufferFor((int) size);
            WalFormat.encode(record, frame);
            frame.flip();
            try {
                file.append(frame);
            } catch (IOException | RuntimeException | Error e) {
                throw fail("cannot append to it", e);
            }
            appended += size;
            return appended;
        } finally {
            appendLock.unlock();
        }
    }

    /**
     * Returns once every record up to {@code position} is on disk. Returns at once if an fsync has already
     * covered it; otherwise waits for the fsync in progress, if any, and fsyncs if that one did not.
     *
     * @throws StorageException if the writer is closed or failed, or the fsync fails (which fails it)
     */
    void syncUpTo(long position) {
        if (position > appended) {
            throw new IllegalArgumentException("cannot sync " + path + " up to " + position
                    + ": only " + appended + " bytes were appended");
        }
        syncLock.lock();
        try {
            while (true) {
                checkUsable();
                if (synced >= position) {
                    return;
                }
                if (!syncing) {
                    break;
                }
                syncFinished.awaitUninterruptibly();
            }
            syncing = true;
        } finally {
            syncLock.unlock();
        }
        long covered = appended; // read before the fsync: every byte up to it is already in the file
        StorageException error = null;
        try {
            file.sync();
        } catch (IOException | RuntimeException | Error e) {
            error = fail("cannot fsync it", e);
        }
        syncLock.lock();
        try {
            syncing = false;
            if (error == null) {
                synced = Math.max(synced, covered);
            }
            syncFinished.signalAll();
        } finally {
            syncLock.unlock();
        }
        if (error != null) {
            throw error;
        }
    }

    /**
     * Returns once everything appended so far is on disk. A writer closed meanwhile without a failure
     * fsynced everything when it closed, so that counts as done.
     *
     * @throws StorageException if the writer failed, or the fsync fails (which fails it)
     */
    void syncAppended() {
        try {
            syncUpTo(appended);
        } catch (StorageException e) {
            if (closed && failure == null) {
                return;
            }
            throw e;
        }
    }

    /**
     * Stops the background fsyncs, fsyncs what was appended and closes the file. A writer that has failed
     * is closed without an fsync and without throwing again (its failure was reported already). Closing
     * twice does nothing; any other call after close throws {@link StorageException}.
     */
    @Override
    public void close() {
        appendLock.lock();
        try {
            if (closing) {
                return;
            }
            closing = true; // no append can start from now on
        } finally {
            appendLock.unlock();
        }
        if (background != null) {
            background.shutdown();
            try {
                background.awaitTermination(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        StorageException error = null;
        if (failure == null) {
            try {
                syncUpTo(appended);
            } catch (StorageException e) {
                error = e;
            }
        }
        syncLock.lock();
        try {
            while (syncing) { // a caller's fsync still in flight must not meet a closed file
                syncFinished.awaitUninterruptibly();
            }
            closed = true;
        } finally {
            syncLock.unlock();
        }
        try {
            file.close();
        } catch (IOException e) {
            if (error == null && failure == null) {
                error = new StorageException("cannot close write-ahead log " + path + ": " + e.getMessage(), e);
            }
        }
        if (error != null) {
            throw error;
        }
    }

    private void backgroundSync() {
        long upTo = appended;
        if (upTo > synced && failure == null && !closed) {
            try {
                syncUpTo(upTo);
            } catch (StorageException e) {
                // The writer is failed or closed; the next caller is told. Nothing more to do here.
            }
        }
    }

    private void checkUsable() {
        StorageException failed = failure;
        if (failed != null) {
            throw new StorageException(failed.getMessage(), failed);
        }
        if (closed) {
            throw new StorageException("write-ahead log " + path + " is closed");
        }
    }

    /** Records the first failure; every later call throws it. */
    private StorageException fail(String what, Throwable cause) {
        StorageException e = new StorageException("write-ahead log " + path + " failed: " + what + " ("
                + cause + "); what reached the disk is unknown, so it takes no more writes until the log is"
                + " replayed", cause);
        synchronized (this) {
            if (failure == null) {
                failure = e;
            }
        }
        return e;
    }

    /** A cleared buffer of at least {@code size} bytes. Caller holds appendLock. */
    private ByteBuffer bufferFor(int size) {
        if (size > KEPT_BUFFER_BYTES) {
            return ByteBuffer.allocate(size);
        }
        if (buffer.capacity() < size) {
            buffer = ByteBuffer.allocate(Math.min(KEPT_BUFFER_BYTES, Math.max(size, buffer.capacity() * 2)));
        }
        return buffer.clear();
    }

    private static void closeQuietly(FileHandle handle) {
        try {
            handle.close();
        } catch (IOException ignored) {
            // already reporting the failure that made us give the file up
        }
    }
}
