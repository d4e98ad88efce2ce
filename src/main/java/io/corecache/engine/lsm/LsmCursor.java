package io.corecache.engine.lsm;

import io.corecache.engine.Entry;
import io.corecache.engine.RangeCursor;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A range scan's results: the visible entries of a merged view of memtables and tables, at most
 * {@code limit} of them. Holds a {@link VersionSet.Pin} on the version it reads until closed, so no table it
 * reads is deleted under it.
 */
final class LsmCursor implements RangeCursor {

    private final Iterator<Entry> entries;
    private final AutoCloseable release;
    private int remaining;
    private boolean closed;

    LsmCursor(Iterator<Entry> entries, int limit, AutoCloseable release) {
        this.entries = entries;
        this.remaining = limit;
        this.release = release;
    }

    @Override
    public boolean hasNext() {
        return !closed && remaining > 0 && entries.hasNext();
    }

    @Override
    public Entry next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        remaining--;
        return entries.next();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            release.close();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
