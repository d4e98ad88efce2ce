package io.corecache.cluster;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Tells a start whether the previous run shut down cleanly: the marker file is written (and fsynced) only
 * after every engine was synced and closed, and removed as soon as a node starts using the directory.
 */
final class ShutdownMarker {

    static final String FILE = "clean-shutdown";

    private ShutdownMarker() {
    }

    /** True if the previous run ended cleanly; removes the marker either way. */
    static boolean consume(Path dataDir) {
        Path marker = dataDir.resolve(FILE);
        try {
            boolean clean = Files.deleteIfExists(marker);
            if (clean) {
                syncDirectory(dataDir);
            }
            return clean;
        } catch (IOException e) {
            throw new NodeStartException("cannot remove " + marker.toAbsolutePath() + ": " + e, e);
        }
    }

    static void write(Path dataDir) throws IOException {
        Path marker = dataDir.resolve(FILE);
        try (FileChannel channel = FileChannel.open(marker, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        syncDirectory(dataDir);
    }

    private static void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
