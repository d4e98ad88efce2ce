package io.corecache.engine;

import java.nio.file.Path;

/**
 * Stored bytes failed their checksum or do not parse. Corrupt data is never returned as data: the read
 * that found it throws this, naming the file and the byte offset of the bad record.
 */
public class CorruptionException extends StorageException {

    private final Path file;
    private final long offset;
    private final String reason;

    public CorruptionException(Path file, long offset, String reason) {
        super("corruption in " + file + " at offset " + offset + ": " + reason);
        this.file = file;
        this.offset = offset;
        this.reason = reason;
    }

    /** What is wrong, without the file and offset. */
    public String reason() {
        return reason;
    }

    public Path file() {
        return file;
    }

    public long offset() {
        return offset;
    }
}
