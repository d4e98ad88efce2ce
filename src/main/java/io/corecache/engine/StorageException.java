package io.corecache.engine;

/** The engine could not do its work: an I/O failure, a failed fsync, an engine already closed or failed. */
public class StorageException extends RuntimeException {

    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
