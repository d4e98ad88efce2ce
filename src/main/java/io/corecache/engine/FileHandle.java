package io.corecache.engine;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/** An open file. Reads are positional and may run concurrently; appends come from one writer at a time. */
public interface FileHandle extends Closeable {

    Path path();

    /** Reads up to {@code dst.remaining()} bytes at {@code position}; returns the count, -1 at end of file. */
    int read(ByteBuffer dst, long position) throws IOException;

    /** Appends every remaining byte of {@code src} at the end of the file. */
    void append(ByteBuffer src) throws IOException;

    /** fsync: the file's data (and size) reach the disk. */
    void sync() throws IOException;

    long size() throws IOException;

    /**
     * Says the file will not grow any more, so space reserved ahead of appends can be given back. Reads
     * go on working.
     */
    default void finishAppending() throws IOException {
    }

    /** Cuts the file to {@code size} bytes (recovery removes a torn tail this way). */
    void truncate(long size) throws IOException;

    /** Reads exactly {@code dst.remaining()} bytes at {@code position}, or throws at end of file. */
    default void readFully(ByteBuffer dst, long position) throws IOException {
        long at = position;
        while (dst.hasRemaining()) {
            int n = read(dst, at);
            if (n < 0) {
                throw new java.io.EOFException(path() + ": end of file at " + at);
            }
            at += n;
        }
    }
}
