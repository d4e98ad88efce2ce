package io.corecache.engine;

import java.nio.file.Path;

/**
 * Stored bytes failed their checksum or do not parse. Corrupt data is never returned as data: the read
 * that found it throws this, naming the file and the byte offset of the bad record.
 */
public class CorruptionException extends StorageException {

    private final Path file;
    private final long offset;

    public CorruptionException(Path file, long offset, String what) {
        super("corruption in " + file + " at offset " + offset + ": " + what);
        this.file = file;
        this.offset = offset;
    }

    public Path file() {
        return file;
    }

    public long offset() {
        return offset;
    }
}
