package io.corecache.engine.bitcask;

import io.corecache.engine.FileHandle;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One open data file: its handle in the key directory, its id (order), its size and dead bytes.
 *
 * <p>Whoever touches the file's bytes outside the engine lock pins it first ({@link #tryRetain()} or
 * {@link #retain()}, then {@link #release()}): a get, a scan's snapshot, the leader appending a group,
 * the merge and the hint writer. The file table holds one pin while the file is current. A merge unlinks
 * the files it replaced at once (what is open stays readable on Linux) and the handle closes, releasing
 * its mapping, when the last pin goes; so nothing ever reads released memory.
 */
final class DataFile {

    final int handle;
    final long id;
    /** Where the file is now: a merge output is renamed from its ".merging" name once complete. */
    volatile Path path;
    final FileHandle file;
    private volatile long size;
    private final AtomicLong deadBytes = new AtomicLong();
    /** Size of the file's hint file, 0 while it has none. */
    volatile long hintBytes;
    private final AtomicInteger references = new AtomicInteger(1);

    DataFile(int handle, long id, Path path, FileHandle file, long size) {
        this.handle = handle;
        this.id = id;
        this.path = path;
        this.file = file;
        this.size = size;
    }

    long size() {
        return size;
    }

    void grew(long newSize) {
        size = newSize;
    }

    long deadBytes() {
        return deadBytes.get();
    }

    void addDead(long bytes) {
        deadBytes.addAndGet(bytes);
    }

    /** Adds a pin; only for a file known to be pinned already (in the table, under the engine lock). */
    void retain() {
        references.incrementAndGet();
    }

    /** Adds a pin unless the file is already closed (a merge retired it); returns whether it did. */
    boolean tryRetain() {
        for (int n = references.get(); n > 0; n = references.get()) {
            if (references.compareAndSet(n, n + 1)) {
                return true;
            }
        }
        return false;
    }

    void release() {
        if (references.decrementAndGet() == 0) {
            try {
                file.close();
            } catch (IOException ignored) {
                // Closing a read descriptor cannot lose data.
            }
        }
    }

    @Override
    public String toString() {
        return path.getFileName().toString();
    }
}
