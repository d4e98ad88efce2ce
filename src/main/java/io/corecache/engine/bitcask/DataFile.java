package io.corecache.engine.bitcask;

import io.corecache.engine.FileHandle;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One open data file: its handle in the key directory, its id (order), its size and dead bytes.
 *
 * <p>Scans and checkpoints pin the files they read ({@link #retain()}/{@link #release()}); the engine holds
 * one reference for as long as the file is current. A merge unlinks the files it replaced at once (an open
 * descriptor still reads an unlinked file on Linux) and the descriptor closes when the last pin goes.
 */
final class DataFile {

    final int handle;
    final long id;
    /** Where the file is now: a merge output is renamed from its ".merging" name once complete. */
    volatile Path path;
    final FileHandle file;
    private volatile long size;
    private final AtomicLong deadBytes = new AtomicLong();
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

    void retain() {
        references.incrementAndGet();
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
