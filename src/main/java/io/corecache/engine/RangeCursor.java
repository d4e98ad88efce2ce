package io.corecache.engine;

import java.util.Iterator;

/**
 * Entries of a range in ascending key order, read from a consistent snapshot taken when the scan began:
 * writes made after that are not seen. Close it to release the snapshot (files it pins stay on disk until
 * then).
 */
public interface RangeCursor extends Iterator<Entry>, AutoCloseable {

    @Override
    void close();
}
