package io.corecache.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Every file operation an engine makes goes through this seam, so tests can drop unsynced bytes at a
 * simulated crash, fail an fsync or flip bits ({@code FaultyFileOps} in the tests), and so the engines
 * never touch {@code java.nio.file.Files} directly.
 */
public interface FileOps {

    /** The real file system, files read and appended through memory mappings ({@code MappedFileHandle}). */
    FileOps MAPPED = new NioFileOps(true);

    /** The real file system, files read with pread and appended with write. */
    FileOps CHANNELS = new NioFileOps(false);

    /** What engines use unless told otherwise: {@code -Dcorecache.fileops=channels|mapped}. */
    FileOps DEFAULT = "channels".equals(System.getProperty("corecache.fileops")) ? CHANNELS : MAPPED;

    /** Opens an existing file for positional reads. */
    FileHandle openRead(Path file) throws IOException;

    /** Creates a new file (failing if it exists) for appending and positional reads. */
    FileHandle create(Path file) throws IOException;

    /** Opens an existing file for appending at its end and positional reads (recovery of the active file). */
    FileHandle openAppend(Path file) throws IOException;

    /** Names in {@code dir} (not paths), in no particular order. */
    List<String> list(Path dir) throws IOException;

    boolean exists(Path file);

    long size(Path file) throws IOException;

    /** Atomically renames, replacing {@code to} if it exists. Durable once the directory is synced. */
    void rename(Path from, Path to) throws IOException;

    /** Deletes the file if it exists. */
    void delete(Path file) throws IOException;

    void createDirectories(Path dir) throws IOException;

    /** Makes creations, renames and deletions in {@code dir} durable. */
    void syncDirectory(Path dir) throws IOException;
}
