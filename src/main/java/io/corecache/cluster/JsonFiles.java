package io.corecache.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** The node's small metadata files (its identity, its placement table): JSON, replaced atomically. */
final class JsonFiles {

    static final ObjectMapper JSON = new ObjectMapper();

    private JsonFiles() {
    }

    /**
     * Writes through a temporary file, fsynced and renamed, and fsyncs the directory: a crash leaves the old
     * file or the new one, never a torn one, and a written file survives power loss.
     */
    static void writeAtomically(Path file, Object value) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(value));
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        }
    }
}
