package io.corecache.cluster;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Keeps a second node from opening a data directory that a running node uses. */
final class DataDirLock implements AutoCloseable {

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static DataDirLock acquire(Path dataDir) {
        Path file = dataDir.resolve("LOCK");
        try {
            java.nio.file.Files.createDirectories(dataDir);
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException sameProcess) {
                lock = null; // a node in this same JVM holds it
            }
            if (lock == null) {
                channel.close();
                throw new NodeStartException("data directory " + dataDir.toAbsolutePath()
                        + " is in use by another running node");
            }
            return new DataDirLock(channel, lock);
        } catch (IOException e) {
            throw new NodeStartException("cannot lock " + file.toAbsolutePath() + ": " + e, e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // the process is ending; the OS drops the lock with the file descriptor
        }
    }
}
