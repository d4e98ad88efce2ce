package io.corecache.cluster;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.nio.file.StandardOpenOption;

/**
 * Keeps a second node from opening a data directory that a running node uses: an OS file lock against
 * other processes, and a set of held directories against other nodes in this JVM (an OS lock cannot tell
 * them apart, and closing any channel on the file would drop it).
 */
final class DataDirLock implements AutoCloseable {

    private static final Set<Path> HELD_IN_THIS_JVM = ConcurrentHashMap.newKeySet();

    private final Path dir;
    private final FileChannel channel;
    private final FileLock lock;
    private final AtomicBoolean closed = new AtomicBoolean();

    private DataDirLock(Path dir, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.channel = channel;
        this.lock = lock;
    }

    static DataDirLock acquire(Path dataDir) {
        Path file = dataDir.resolve("LOCK");
        Path dir;
        try {
            Files.createDirectories(dataDir);
            dir = dataDir.toRealPath();
        } catch (IOException e) {
            throw new NodeStartException("cannot use data directory " + dataDir.toAbsolutePath() + ": " + e, e);
        }
        if (!HELD_IN_THIS_JVM.add(dir)) {
            throw inUse(dataDir);
        }
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                throw inUse(dataDir);
            }
            return new DataDirLock(dir, channel, lock);
        } catch (IOException e) {
            HELD_IN_THIS_JVM.remove(dir);
            throw new NodeStartException("cannot lock " + file.toAbsolutePath() + ": " + e, e);
        } catch (RuntimeException e) {
            HELD_IN_THIS_JVM.remove(dir);
            throw e;
        }
    }

    private static NodeStartException inUse(Path dataDir) {
        return new NodeStartException("data directory " + dataDir.toAbsolutePath()
                + " is in use by another running node");
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // the process is ending; the OS drops the lock with the file descriptor
        } finally {
            // Only now: a node of this JVM that finds the directory free must also find the OS lock free.
            HELD_IN_THIS_JVM.remove(dir);
        }
    }
}
